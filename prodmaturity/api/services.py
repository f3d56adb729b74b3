"""What the API returns, as plain dicts, and who may see it (tested without HTTP).

Rounds and frameworks are not confidential: any live token reads them. Aggregated results come
from the same functions and thresholds as the pages. Per-council results are for LGA tokens, and
for a council's own tokens about their own council only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..exports.aggregates import AGGREGATE_COLUMNS, aggregate_results, aggregate_rows
from ..exports.queries import RoundInfo
from ..extensions import db
from ..models import (
    COUNTED_STATUSES,
    Assessment,
    Council,
    FrameworkVersion,
    Round,
    SectionResult,
    User,
)
from ..scoring import rag_of
from ..timeutil import today

MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer cannot exist, and PostgreSQL refuses them


class OutOfScope(Exception):
    """The token's user may not see this (shown as 403)."""


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def get_round(round_id: int) -> Round | None:
    return db.session.get(Round, round_id) if 0 < round_id <= MAX_ID else None


def get_version(version_id: int) -> FrameworkVersion | None:
    return db.session.get(FrameworkVersion, version_id) if 0 < version_id <= MAX_ID else None


def framework_summary(version: FrameworkVersion) -> dict[str, Any]:
    return {"id": version.id, "slug": version.slug, "version": version.version,
            "title": version.title, "kind": version.kind, "checksum": version.checksum}


def framework_json(version: FrameworkVersion) -> dict[str, Any]:
    return framework_summary(version) | {"content": version.framework.to_dict()}


def list_frameworks() -> list[dict[str, Any]]:
    versions = db.session.scalars(
        sa.select(FrameworkVersion).order_by(FrameworkVersion.slug, FrameworkVersion.id))
    return [framework_summary(v) for v in versions]


def round_json(round_: Round) -> dict[str, Any]:
    return {"id": round_.id, "title": round_.title, "opens_on": iso(round_.opens_on),
            "closes_on": iso(round_.closes_on), "state": round_.status_on(today()),
            "framework": framework_summary(round_.framework_version)}


def list_rounds() -> list[dict[str, Any]]:
    rounds = db.session.scalars(sa.select(Round).order_by(Round.opens_on.desc(), Round.id.desc()))
    return [round_json(r) for r in rounds]


def aggregate_json(round_: Round, user: User) -> dict[str, Any]:
    """The aggregates CSV's figures as objects, with the pages' small-group suppression."""
    results = aggregate_results(round_, user)
    names = AGGREGATE_COLUMNS[4:]
    figures = [dict(zip(names, row[4:], strict=True))
               for row in aggregate_rows(RoundInfo.of(round_), results)]
    return {"round_id": round_.id, "kind": results.kind, "councils": results.councils,
            "suppressed": results.suppressed, "figures": figures}


# Per-council results ------------------------------------------------------------------------


def council_results(user: User, round_: Round) -> list[dict[str, Any]]:
    """Every counted council's results in the round (LGA only): two queries, however many."""
    if not user.is_lga:
        raise OutOfScope
    return _results(round_, Assessment.status.in_(COUNTED_STATUSES))


def council_result(user: User, round_: Round, gss_code: str) -> dict[str, Any] | None:
    """One council's results; a council's people may ask only about their own council."""
    council = db.session.scalar(sa.select(Council).where(Council.gss_code == gss_code))
    if council is None:
        return None
    if not user.is_lga and council.id != user.council_id:
        raise OutOfScope
    found = _results(round_, Assessment.council_id == council.id)
    return found[0] if found else None


def _results(round_: Round, clause: sa.ColumnElement[bool]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Assessment, Council).join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == round_.id, clause).order_by(Council.gss_code)
    ).all()
    sections: dict[int, list[SectionResult]] = {}
    if rows:
        found = db.session.scalars(
            sa.select(SectionResult).join(Assessment, Assessment.id == SectionResult.assessment_id)
            .where(Assessment.round_id == round_.id, clause))
        for section in found:
            sections.setdefault(section.assessment_id, []).append(section)
    titles = {s.key: s.title for s in round_.framework_version.framework.sections}
    return [_result_json(round_, a, c, sections.get(a.id, []), titles) for a, c in rows]


def _result_json(round_: Round, a: Assessment, council: Council,
                 sections: Sequence[SectionResult], titles: dict[str, str]) -> dict[str, Any]:
    order = list(titles)
    ordered = sorted(sections, key=lambda s: order.index(s.section_key)
                     if s.section_key in titles else len(order))
    return {
        "round_id": round_.id,
        "council": {"gss_code": council.gss_code, "name": council.name,
                    "region": council.region, "type": council.type},
        "status": a.status,
        "submitted_at": iso(a.submitted_at),
        "overall": {"percent": a.overall_percent, "band": a.overall_band,
                    "rag": rag_of(a.overall_band) if a.overall_band else None,
                    "median_stage": a.overall_median_stage, "mean_stage": a.overall_mean_stage,
                    "share_mature": a.share_mature, "critical_failures": a.critical_failures},
        "sections": [
            {"key": s.section_key, "title": titles.get(s.section_key, s.section_key),
             "percent": s.percent, "band": s.band, "rag": rag_of(s.band) if s.band else None,
             "median_stage": s.median_stage, "mean_stage": s.mean_stage,
             "share_mature": s.share_mature, "answered": s.answered,
             "critical_failures": s.critical_failures}
            for s in ordered
        ],
    }
