"""Rounds: opening one for the right councils, deadlines, and the LGA's review pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity import mail
from prodmaturity.assessments import rounds, workflow
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, AuditEvent, Round
from prodmaturity.timeutil import today
from tests.factories import load_shipped_framework
from tests.test_responses import answer_all


def council_ids(round_: Round) -> set[int]:
    return set(db.session.scalars(sa.select(Assessment.council_id)
                                  .where(Assessment.round_id == round_.id)))


@pytest.mark.parametrize(("opens_on", "expected"), [
    (date(2018, 10, 1), {"a", "b", "gone"}), (date(2019, 4, 1), {"a", "b"})])
def test_default_participants_are_councils_active_on_opening(
        app: Flask, councils: dict, people: dict, opens_on: date, expected: set[str]) -> None:
    version = load_shipped_framework("nps-2018")
    round_ = rounds.create_round(version, title="NPS self-assessment 2018/19", opens_on=opens_on,
                                 closes_on=opens_on + timedelta(days=60), actor=people["admin"])
    assert council_ids(round_) == {councils[k].id for k in expected}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(
        Assessment.status != "not_started")) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "round_created"))
    assert event.detail["councils"] == len(expected)


def test_chosen_participants(app: Flask, councils: dict, people: dict) -> None:
    version = load_shipped_framework("nps-2018")
    round_ = rounds.create_round(version, title="Pilot", opens_on=today(),
                                 closes_on=today() + timedelta(days=5), actor=people["admin"],
                                 councils=[councils["b"]])
    assert council_ids(round_) == {councils["b"].id}
    with pytest.raises(rounds.RoundError, match="do not exist"):
        rounds.create_round(version, title="Pilot", opens_on=today(), closes_on=today(),
                            actor=people["admin"], councils=[councils["gone"]])


@pytest.mark.parametrize(("title", "closes_after", "message"), [
    ("", 5, "Enter a title"), ("Round", -1, "closing date")])
def test_invalid_rounds_are_refused(app: Flask, people: dict, title: str, closes_after: int,
                                    message: str) -> None:
    version = load_shipped_framework("nps-2018")
    with pytest.raises(rounds.RoundError, match=message):
        rounds.create_round(version, title=title, opens_on=today(),
                            closes_on=today() + timedelta(days=closes_after),
                            actor=people["admin"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Round)) == 0


def test_deadlines_only_move_later(app: Flask, councils: dict, people: dict) -> None:
    version = load_shipped_framework("nps-2018")
    round_ = rounds.create_round(version, title="R", opens_on=today(),
                                 closes_on=today() + timedelta(days=5), actor=people["admin"])
    assessment = db.session.scalar(sa.select(Assessment).where(
        Assessment.council_id == councils["a"].id))
    with pytest.raises(rounds.RoundError):
        rounds.extend_round(round_, today() + timedelta(days=5), people["admin"])
    rounds.extend_round(round_, today() + timedelta(days=9), people["admin"])
    with pytest.raises(rounds.RoundError):
        rounds.extend_council_deadline(assessment, today() + timedelta(days=9), people["admin"])
    rounds.extend_council_deadline(assessment, today() + timedelta(days=20), people["admin"])
    assert assessment.deadline == today() + timedelta(days=20)
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["round_deadline_extended", "assessment_deadline_extended"]


def test_admin_opens_a_round_through_the_form(app: Flask, councils: dict, people: dict,
                                              login_as: Any) -> None:
    version = load_shipped_framework("nps-2018")
    admin = login_as(people["admin"])
    assert "Open a new round" in admin.get("/lga/rounds/new").get_data(as_text=True)
    start = today()
    end = start + timedelta(days=30)
    response = admin.post("/lga/rounds/new", data={
        "framework_version": str(version.id), "title": "NPS self-assessment 2018/19",
        "opens_on": [str(start.day), str(start.month), str(start.year)],
        "closes_on": [str(end.day), str(end.month), str(end.year)], "participants": "all"})
    assert response.status_code == 302, response.get_data(as_text=True)
    round_ = db.session.scalar(sa.select(Round))
    assert council_ids(round_) == {councils["a"].id, councils["b"].id}
    assert "NPS self-assessment 2018/19" in admin.get("/lga/rounds").get_data(as_text=True)
    home = login_as(people["officer"]).get("/").get_data(as_text=True)
    assert "NPS self-assessment 2018/19" in home and "30 days left" in home


def test_round_form_errors(app: Flask, councils: dict, people: dict, login_as: Any) -> None:
    load_shipped_framework("nps-2018")
    admin = login_as(people["admin"])
    html = admin.post("/lga/rounds/new", data={
        "framework_version": "999", "title": "", "opens_on": ["31", "2", "2019"],
        "closes_on": ["", "", ""], "participants": "chosen", "councils": "E0700000X",
    }).get_data(as_text=True)
    for message in ("Select a framework", "Enter a title", "Opening date must be a real date",
                    "Enter the closing date", "These are not GSS codes: E0700000X"):
        assert message in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Round)) == 0


def test_analyst_reads_but_cannot_change(app: Flask, councils: dict, people: dict,
                                         login_as: Any) -> None:
    version = load_shipped_framework("nps-2018")
    round_ = rounds.create_round(version, title="R", opens_on=today(),
                                 closes_on=today() + timedelta(days=5), actor=people["admin"])
    assessment = db.session.scalar(sa.select(Assessment).where(
        Assessment.council_id == councils["a"].id))
    analyst = login_as(people["analyst"])
    assert analyst.get(f"/lga/rounds/{round_.id}").status_code == 200
    assert analyst.get(f"/lga/assessments/{assessment.id}").status_code == 200
    assert analyst.get("/lga/rounds/new").status_code == 403
    assert analyst.post(f"/lga/rounds/{round_.id}/deadline").status_code == 403
    assert analyst.post(f"/lga/assessments/{assessment.id}/accept").status_code == 403


def test_admin_extends_deadlines_through_the_form(app: Flask, councils: dict, people: dict,
                                                  login_as: Any) -> None:
    version = load_shipped_framework("nps-2018")
    round_ = rounds.create_round(version, title="R", opens_on=today() - timedelta(days=9),
                                 closes_on=today() - timedelta(days=1), actor=people["admin"])
    assessment = db.session.scalar(sa.select(Assessment).where(
        Assessment.council_id == councils["a"].id))
    admin = login_as(people["admin"])
    new = today() + timedelta(days=7)
    date_parts = [str(new.day), str(new.month), str(new.year)]
    assert admin.post(f"/lga/assessments/{assessment.id}/deadline",
                      data={"deadline": date_parts}).status_code == 302
    db.session.refresh(assessment)
    assert assessment.deadline_override == new and workflow.is_editable(assessment, today())
    earlier = admin.post(f"/lga/rounds/{round_.id}/deadline",
                         data={"deadline": ["1", "1", "2000"]}).get_data(as_text=True)
    assert "must be after the current one" in earlier


def test_admin_returns_and_accepts_through_the_review_page(app: Flask, councils: dict,
                                                           people: dict, login_as: Any) -> None:
    version = load_shipped_framework("nps-2018")
    rounds.create_round(version, title="R", opens_on=today(),
                        closes_on=today() + timedelta(days=5), actor=people["admin"])
    assessment = db.session.scalar(sa.select(Assessment).where(
        Assessment.council_id == councils["a"].id))
    answer_all(assessment, people["officer"])
    with app.test_request_context():
        workflow.submit(assessment, people["lead"], sign_off_name="Pat", sign_off_role="CEO",
                        today=today())
    admin = login_as(people["admin"])
    review = admin.get(f"/lga/assessments/{assessment.id}").get_data(as_text=True)
    assert "Accept assessment" in review and "Return to council" in review
    empty = admin.post(f"/lga/assessments/{assessment.id}/return", data={"reason": ""})
    assert "Enter the reason" in empty.get_data(as_text=True)
    returned = admin.post(f"/lga/assessments/{assessment.id}/return",
                          data={"reason": "Enablers need evidence"})
    assert returned.status_code == 302
    assert db.session.get(Assessment, assessment.id).status == "returned"
    assert "Enablers need evidence" in mail.body_of(mail.outbox_messages(
        people["officer"].email)[-1])
    refused = admin.post(f"/lga/assessments/{assessment.id}/accept", follow_redirects=True)
    assert "Only a submitted assessment" in refused.get_data(as_text=True)
    lead_page = login_as(people["lead"]).get(f"/council/assessments/{assessment.id}")
    assert "Enablers need evidence" in lead_page.get_data(as_text=True)
