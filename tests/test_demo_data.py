"""Demo rounds: enough believable data for comparisons and history; deterministic; idempotent."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.assessments import demo as assessment_demo
from prodmaturity.assessments import results
from prodmaturity.demo import ensure_people, load_register
from prodmaturity.extensions import db
from prodmaturity.models import AuditEvent, Council, Response, SectionResult
from prodmaturity.models.assessment import COUNTED_STATUSES, Assessment, Round
from prodmaturity.timeutil import today
from tests.conftest import count_rows
from tests.factories import PASSWORD

LEEDS, KENT, CAMDEN, CORNWALL, MID_SUFFOLK = (
    "E08000035", "E10000016", "E09000007", "E06000052", "E07000203")


def run_demo() -> str:
    load_register()
    ensure_people(PASSWORD)
    return assessment_demo.demo_rounds()


def status_of(title: str, gss_code: str) -> str:
    return db.session.scalar(
        sa.select(Assessment.status).join(Round).join(Council)
        .where(Round.title == title, Council.gss_code == gss_code))


def snapshot() -> list[tuple[Any, ...]]:
    """Every stored result and answer, keyed by round title and council (not by row id)."""
    assessments = db.session.execute(
        sa.select(Round.title, Council.gss_code, Assessment.status, Assessment.reference,
                  Assessment.overall_percent, Assessment.overall_band,
                  Assessment.overall_median_stage, Assessment.overall_mean_stage,
                  Assessment.share_mature, Assessment.critical_failures,
                  Assessment.submitted_at)
        .join(Round).join(Council).order_by(Round.title, Council.gss_code)).all()
    sections = db.session.execute(
        sa.select(Round.title, Council.gss_code, SectionResult.section_key,
                  SectionResult.percent, SectionResult.band, SectionResult.median_stage,
                  SectionResult.mean_stage, SectionResult.share_mature)
        .join(Assessment, Assessment.id == SectionResult.assessment_id).join(Round).join(Council)
        .order_by(Round.title, Council.gss_code, SectionResult.section_key)).all()
    answers = db.session.execute(
        sa.select(Round.title, Council.gss_code, Response.item_key, Response.current_stage,
                  Response.target_stage, Response.answer, Response.points, Response.comment)
        .join(Assessment, Assessment.id == Response.assessment_id).join(Round).join(Council)
        .order_by(Round.title, Council.gss_code, Response.item_key)).all()
    return [tuple(r) for r in (*assessments, *sections, *answers)]


def test_demo_rounds_are_believable_and_idempotent(app: Flask) -> None:
    run_demo()
    rounds = db.session.scalars(sa.select(Round).order_by(Round.opens_on, Round.title)).all()
    assert len(rounds) == 4
    for round_ in rounds:
        counted = db.session.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(Council.region)),
                      sa.func.count(sa.distinct(Council.type)))
            .select_from(Assessment).join(Council)
            .where(Assessment.round_id == round_.id, Assessment.status.in_(COUNTED_STATUSES))
        ).one()
        assert counted[0] >= 60 and counted[1] >= 5 and counted[2] >= 4, (round_.title, counted)
        missing = db.session.scalar(
            sa.select(sa.func.count()).select_from(Assessment)
            .where(Assessment.round_id == round_.id, Assessment.status.in_(COUNTED_STATUSES),
                   sa.or_(Assessment.result.is_(None), Assessment.reference.is_(None),
                          Assessment.submitted_at.is_(None))))
        assert missing == 0
    open_rounds = [r for r in rounds if r.status_on(today()) == "open"]
    assert len(open_rounds) == 2 and all(r.status_on(today()) == "closed" for r in rounds[:2])
    for round_ in open_rounds:
        statuses = set(db.session.scalars(
            sa.select(Assessment.status).distinct().where(Assessment.round_id == round_.id)))
        assert statuses == {"not_started", "in_progress", "submitted", "returned", "accepted"}
        assert [status_of(round_.title, code) for code in
                (LEEDS, KENT, CAMDEN, CORNWALL, MID_SUFFOLK)] == [
            "in_progress", "submitted", "not_started", "returned", "accepted"]
    # Every demo council has history; Kent's open round shows comparisons.
    kent_now = db.session.scalar(
        sa.select(Assessment).join(Round).join(Council)
        .where(Round.title == open_rounds[0].title, Council.gss_code == KENT))
    assert len(results.history(kent_now.council, kent_now.round.slug, before=kent_now.round)) == 1
    assert all(g.shown for g in results.comparisons(kent_now).groups[:1])
    # The bulk-written results are exactly what compute_and_store writes.
    stored = (kent_now.overall_median_stage, kent_now.overall_mean_stage, kent_now.share_mature)
    results.compute_and_store(kent_now)
    assert (kent_now.overall_median_stage, kent_now.overall_mean_stage,
            kent_now.share_mature) == stored
    db.session.rollback()

    # Someone changes Leeds's draft answer; a second run adds nothing and keeps the change.
    leeds_answer = db.session.scalar(
        sa.select(Response).join(Assessment).join(Round).join(Council)
        .where(Round.title == open_rounds[0].title, Council.gss_code == LEEDS)
        .order_by(Response.id).limit(1))
    leeds_answer.comment = "Changed by the council"
    db.session.commit()
    before = [count_rows(m) for m in (Round, Assessment, Response, SectionResult, AuditEvent)]
    report = run_demo()
    assert report.count("already there") == 4
    after = [count_rows(m) for m in (Round, Assessment, Response, SectionResult, AuditEvent)]
    assert after == before
    db.session.refresh(leeds_answer)
    assert leeds_answer.comment == "Changed by the council"


@pytest.mark.slow
def test_demo_rounds_are_deterministic(app: Flask) -> None:
    run_demo()
    first = snapshot()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    db.session.expire_all()
    run_demo()
    assert snapshot() == first
    assert len(first) > 10_000
