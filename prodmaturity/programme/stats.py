"""Round statistics for measures: a fixed handful of GROUP BY queries, however many measures.

Every measure kind reads from these tables, so a dashboard with twenty measures across six rounds
costs five queries, not one per measure and round. Only counted returns (submitted or accepted)
are used, and with an "as at" date only those submitted by the end of that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import COUNTED_STATUSES, Assessment, Response, SectionResult

# {stage: councils}, keyed by (round_id, scope, key): scope "overall" (key None), "section", "item".
Distribution = dict[float, int]
StageKey = tuple[int, str, str | None]


@dataclass(frozen=True)
class Aggregate:
    """Counted returns for a round (overall) or one section of it."""

    counted: int = 0
    red: int = 0
    critical: int = 0
    average_percent: float | None = None
    average_stage: float | None = None


@dataclass
class RoundStats:
    invited: dict[int, int] = field(default_factory=dict)
    aggregates: dict[tuple[int, str | None], Aggregate] = field(default_factory=dict)
    stages: dict[StageKey, Distribution] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def counted(self, round_id: int) -> int:
        return self.aggregate(round_id, None).counted

    def aggregate(self, round_id: int, section_key: str | None) -> Aggregate:
        return self.aggregates.get((round_id, section_key), Aggregate())

    def distribution(self, round_id: int, scope: str, key: str | None) -> Distribution:
        return self.stages.get((round_id, scope, key), {})


def submitted_before(as_at: date | None) -> datetime | None:
    """The first instant after ``as_at``: a return counts when submitted before it."""
    return None if as_at is None else datetime.combine(as_at + timedelta(days=1), time.min)


def counted_clause(as_at: date | None) -> sa.ColumnElement[bool]:
    clause = sa.and_(Assessment.status.in_(COUNTED_STATUSES), Assessment.submitted_at.is_not(None))
    cutoff = submitted_before(as_at)
    return clause if cutoff is None else sa.and_(clause, Assessment.submitted_at < cutoff)


def load_stats(round_ids: Collection[int], item_keys: Iterable[str],
               as_at: date | None) -> RoundStats:
    stats = RoundStats()
    if not round_ids:
        return stats
    counted = counted_clause(as_at)
    _overall(stats, round_ids, counted)
    _sections(stats, round_ids, counted)
    _distributions(stats, round_ids, counted, sorted(set(item_keys)))
    return stats


def _when(condition: sa.ColumnElement[bool], value: sa.ColumnElement | int) -> sa.Case:
    return sa.case((condition, value))


def _overall(stats: RoundStats, round_ids: Collection[int],
             counted: sa.ColumnElement[bool]) -> None:
    rows = db.session.execute(
        sa.select(
            Assessment.round_id,
            sa.func.count(),
            sa.func.count(_when(counted, 1)),
            sa.func.count(_when(sa.and_(counted, Assessment.overall_band == "red"), 1)),
            sa.func.count(_when(sa.and_(counted, Assessment.critical_failures > 0), 1)),
            sa.func.avg(_when(counted, Assessment.overall_percent)),
            sa.func.avg(_when(counted, Assessment.overall_mean_stage)),
        )
        .where(Assessment.round_id.in_(round_ids))
        .group_by(Assessment.round_id)
    )
    for round_id, invited, *aggregate in rows:
        stats.invited[round_id] = invited
        stats.aggregates[(round_id, None)] = Aggregate(*aggregate)


def _sections(stats: RoundStats, round_ids: Collection[int],
              counted: sa.ColumnElement[bool]) -> None:
    rows = db.session.execute(
        sa.select(
            Assessment.round_id,
            SectionResult.section_key,
            sa.func.count(),
            sa.func.count(_when(SectionResult.band == "red", 1)),
            sa.func.count(_when(SectionResult.critical_failures > 0, 1)),
            sa.func.avg(SectionResult.percent),
            sa.func.avg(SectionResult.mean_stage),
        )
        .join(Assessment, SectionResult.assessment_id == Assessment.id)
        .where(Assessment.round_id.in_(round_ids), counted)
        .group_by(Assessment.round_id, SectionResult.section_key)
    )
    for round_id, section_key, *aggregate in rows:
        stats.aggregates[(round_id, section_key)] = Aggregate(*aggregate)


def _distributions(stats: RoundStats, round_ids: Collection[int],
                   counted: sa.ColumnElement[bool], item_keys: list[str]) -> None:
    """Councils per stage: overall and per theme (median stage), per key area (current stage)."""
    queries = {
        "overall": sa.select(
            Assessment.round_id, sa.literal(None, sa.String), Assessment.overall_median_stage,
            sa.func.count(),
        )
        .where(Assessment.round_id.in_(round_ids), counted,
               Assessment.overall_median_stage.is_not(None))
        .group_by(Assessment.round_id, Assessment.overall_median_stage),
        "section": sa.select(
            Assessment.round_id, SectionResult.section_key, SectionResult.median_stage,
            sa.func.count(),
        )
        .join(Assessment, SectionResult.assessment_id == Assessment.id)
        .where(Assessment.round_id.in_(round_ids), counted, SectionResult.median_stage.is_not(None))
        .group_by(Assessment.round_id, SectionResult.section_key, SectionResult.median_stage),
    }
    if item_keys:
        queries["item"] = (
            sa.select(Assessment.round_id, Response.item_key, Response.current_stage,
                      sa.func.count())
            .join(Assessment, Response.assessment_id == Assessment.id)
            .where(Assessment.round_id.in_(round_ids), counted, Response.item_key.in_(item_keys),
                   Response.current_stage.is_not(None))
            .group_by(Assessment.round_id, Response.item_key, Response.current_stage)
        )
    for scope, query in queries.items():
        for round_id, key, stage, councils in db.session.execute(query):
            stats.stages[(round_id, scope, key)][float(stage)] = councils
