"""Change since the previous round of the same framework, for paired councils only.

Only councils with a counted (submitted or accepted) return in both rounds are compared, so a
change reflects councils improving rather than a different mix of councils taking part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..frameworks.model import Framework
from ..models.assessment import COUNTED_STATUSES, Assessment, Response, Round, SectionResult
from ..models.council import Council
from ..models.framework import FrameworkVersion
from .filters import CouncilFilter
from .stats import distribution, mature_stage_number, rows_by, suppression


@dataclass(frozen=True)
class ChangeRow:
    """One key area or section (or overall): the paired councils' figures in both rounds."""

    key: str
    title: str
    previous: float | None  # mean stage (maturity) or mean percentage (questionnaire)
    current: float | None
    previous_median: int | None = None
    current_median: int | None = None
    previous_share_mature: float | None = None
    current_share_mature: float | None = None

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return round(self.current - self.previous, 2)


@dataclass(frozen=True)
class Change:
    previous_round: Round | None
    paired: int
    suppressed: str | None = None
    measure: str = ""
    rows: list[ChangeRow] = field(default_factory=list)
    overall: ChangeRow | None = None


def previous_round(round_: Round) -> Round | None:
    """The latest earlier round of the same framework slug (any version)."""
    return db.session.scalar(
        sa.select(Round)
        .join(FrameworkVersion, FrameworkVersion.id == Round.framework_version_id)
        .where(
            FrameworkVersion.slug == round_.framework_version.slug,
            sa.or_(Round.opens_on < round_.opens_on,
                   sa.and_(Round.opens_on == round_.opens_on, Round.id < round_.id)),
        )
        .order_by(Round.opens_on.desc(), Round.id.desc())
        .limit(1)
    )


def paired_subquery(round_: Round, previous: Round, council_filter: CouncilFilter
                    ) -> sa.Subquery:
    """(current assessment id, previous assessment id) for councils counted in both rounds."""
    current, earlier = aliased(Assessment), aliased(Assessment)
    stmt = (
        sa.select(current.id.label("current_id"), earlier.id.label("previous_id"))
        .join(earlier, sa.and_(earlier.council_id == current.council_id,
                               earlier.round_id == previous.id,
                               earlier.status.in_(COUNTED_STATUSES)))
        .join(Council, Council.id == current.council_id)
        .where(current.round_id == round_.id, current.status.in_(COUNTED_STATUSES))
    )
    return council_filter.apply(stmt).subquery("paired")


def change_since_previous(round_: Round, council_filter: CouncilFilter | None = None, *,
                          minimum_group: int | None = None) -> Change:
    previous = previous_round(round_)
    if previous is None:
        return Change(None, 0)
    paired = paired_subquery(round_, previous, council_filter or CouncilFilter())
    count = db.session.scalar(sa.select(sa.func.count()).select_from(paired)) or 0
    reason = suppression(count, minimum_group)
    if reason or not count:
        return Change(previous, count, reason)
    framework = round_.framework_version.framework
    if framework.kind == "maturity":
        return _maturity_change(previous, count, paired, framework)
    return _questionnaire_change(previous, count, paired, framework)


def _maturity_change(previous: Round, count: int, paired: sa.Subquery,
                     framework: Framework) -> Change:
    sides = {}
    for side in ("previous_id", "current_id"):
        rows = db.session.execute(
            sa.select(Response.item_key, Response.current_stage, sa.func.count())
            .join(paired, paired.c[side] == Response.assessment_id)
            .where(Response.current_stage.is_not(None), Response.carried_forward.is_(False))
            .group_by(Response.item_key, Response.current_stage)
        ).all()
        sides[side] = rows_by(rows, 0)
    stages, mature = len(framework.stages), mature_stage_number(framework)

    def row(key: str, title: str, keys: set[str]) -> ChangeRow:
        found = {}
        for side, grouped in sides.items():
            counts: dict[int, int] = {}
            for (item,), item_rows in grouped.items():
                if item in keys:
                    for r in item_rows:
                        counts[r[1]] = counts.get(r[1], 0) + r[2]
            found[side] = distribution(key, title, counts, stages, mature)
        before, after = found["previous_id"], found["current_id"]
        return ChangeRow(key, title, before.mean_stage, after.mean_stage, before.median,
                         after.median, before.share_mature, after.share_mature)

    rows = [row(item.key, item.title, {item.key}) for item in framework.items()]
    overall = row("overall", "All key areas and enablers", {i.key for i in framework.items()})
    return Change(previous, count, None, "mean stage", rows, overall)


def _questionnaire_change(previous: Round, count: int, paired: sa.Subquery,
                          framework: Framework) -> Change:
    sections: dict[str, dict[str, Any]] = {}
    overall: dict[str, Any] = {}
    for side in ("previous_id", "current_id"):
        sections[side] = dict(db.session.execute(
            sa.select(SectionResult.section_key, sa.func.avg(SectionResult.percent))
            .join(paired, paired.c[side] == SectionResult.assessment_id)
            .group_by(SectionResult.section_key)
        ).all())
        overall[side] = db.session.scalar(
            sa.select(sa.func.avg(Assessment.overall_percent))
            .join(paired, paired.c[side] == Assessment.id)
        )

    def rounded(value: Any) -> float | None:
        return None if value is None else round(float(value), 1)

    rows = [ChangeRow(s.key, s.title, rounded(sections["previous_id"].get(s.key)),
                      rounded(sections["current_id"].get(s.key))) for s in framework.sections]
    total = ChangeRow("overall", "Overall", rounded(overall["previous_id"]),
                      rounded(overall["current_id"]))
    return Change(previous, count, None, "mean score (%)", rows, total)
