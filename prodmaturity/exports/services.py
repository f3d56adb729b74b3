"""Who may export what: round visibility, each user's scope, row counts and the audit record.

The rule: LGA staff export any round, every council, but by default only submitted or accepted
assessments (``status=all`` adds the rest); council users export only their own council's
assessment, whatever its status, and only in rounds their council takes part in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models import COUNTED_STATUSES, Assessment, Council, Round, User
from .queries import Scope

STATUS_OPTIONS = ("submitted", "all")


def scope_for(user: User, status: str | None = None) -> Scope:
    """The rows this user may export; ``status="all"`` only widens an LGA export."""
    if user.is_lga:
        return Scope(None, None if status == "all" else COUNTED_STATUSES)
    return Scope(user.council_id, None)


def _rounds_query(user: User) -> sa.Select[tuple[Round]]:
    stmt = sa.select(Round).order_by(Round.opens_on.desc(), Round.id.desc())
    if not user.is_lga:
        taking_part = sa.select(Assessment.round_id).where(Assessment.council_id == user.council_id)
        stmt = stmt.where(Round.id.in_(taking_part))
    return stmt


def visible_rounds(user: User) -> list[Round]:
    return list(db.session.scalars(_rounds_query(user)))


def round_for(user: User, round_id: int) -> Round | None:
    """The round, if this user may export from it (else None, shown as 404)."""
    return db.session.scalar(_rounds_query(user).where(Round.id == round_id))


@dataclass(frozen=True)
class ExportLink:
    endpoint: str
    title: str
    file_format: str
    rows: int
    values: dict[str, Any] = field(default_factory=dict)
    counts_councils: bool = False  # ``rows`` is the councils a summary is based on


@dataclass(frozen=True)
class RoundExports:
    round: Round
    links: list[ExportLink]


def _assessments_per_round(*clauses: sa.ColumnElement[bool]) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Assessment.round_id, sa.func.count()).where(*clauses)
        .group_by(Assessment.round_id)
    ).all())


def round_exports(user: User, status: str | None) -> list[RoundExports]:
    """Every round the user may export from, with each export's row count.

    Two grouped COUNTs cover every round: assessments in the user's scope (the per-council
    exports; the long format has one row per council and item) and counted assessments (the
    aggregates are based on those, so the page shows how many councils they cover).
    """
    rounds = visible_rounds(user)
    counts = _assessments_per_round(*scope_for(user, status).clauses())
    counted = _assessments_per_round(Assessment.status.in_(COUNTED_STATUSES))
    listed = []
    for round_ in rounds:
        councils = counts.get(round_.id, 0)
        items = sum(1 for _ in round_.framework_version.framework.items())
        values = {"round_id": round_.id} | ({"status": status} if status == "all" else {})
        links = [
            ExportLink("exports.responses_long", "Responses, one row per council and question",
                       "CSV", councils * items, values),
            ExportLink("exports.responses_wide", "Responses, one row per council", "CSV",
                       councils, values),
            ExportLink("exports.results", "Results, one row per council", "CSV", councils, values),
            ExportLink("exports.round_xlsx", "Responses and results workbook", "XLSX", councils,
                       values),
        ]
        links.append(ExportLink("exports.aggregates", "Aggregated results", "CSV",
                                counted.get(round_.id, 0), {"round_id": round_.id},
                                counts_councils=True))
        listed.append(RoundExports(round_, links))
    return listed


def register_count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Council)) or 0)


def record_export(user: User, export: str, *, round_id: int | None = None,
                  scope: Scope | None = None) -> None:
    """Audit the download (who took which data), committed before the first byte is sent."""
    detail: dict[str, Any] = {"export": export}
    if round_id is not None:
        detail["round_id"] = round_id
    if scope is not None:
        detail["statuses"] = list(scope.statuses) if scope.statuses else "all"
    audit.record("export", actor=user, council_id=scope.council_id if scope else None,
                 detail=detail)
    db.session.commit()
