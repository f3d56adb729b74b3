"""Building blocks for the LGA's aggregates: which assessments count, and statistics computed
from GROUP BY counts (never from per-council rows).

Medians use the lower-median rule of ``prodmaturity.scoring`` (the ``(n - 1) // 2``-th value in
order), so a median is always a real stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..frameworks.model import BANDS, Framework, MaturityRules
from ..models.assessment import COUNTED_STATUSES, Assessment
from ..models.council import Council
from .filters import CouncilFilter

# Council-level ratings are confidential: views outside the LGA hide smaller groups.
COMPARISON_MINIMUM = 5


def suppression(councils: int, minimum_group: int | None) -> str | None:
    """The reason a group is hidden, or ``None`` when it may be shown."""
    if minimum_group is None or councils >= minimum_group:
        return None
    return (f"Not shown: based on fewer than {minimum_group} councils, so individual councils' "
            "results could be identified")


def counted(round_id: int, council_filter: CouncilFilter) -> sa.Subquery:
    """Submitted and accepted assessments in a round, with their council's region and type."""
    stmt = (
        sa.select(Assessment.id, Assessment.council_id, Council.region, Council.type)
        .join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == round_id, Assessment.status.in_(COUNTED_STATUSES))
    )
    return council_filter.apply(stmt).subquery("counted")


def mature_stage_number(framework: Framework) -> int:
    """The number of the stage the framework calls mature (Mature is 3 in NPS 2018)."""
    assert isinstance(framework.scoring, MaturityRules)
    return next(s.number for s in framework.stages if s.key == framework.scoring.mature_stage)


def lower_median(counts: Mapping[int, int]) -> int | None:
    """The lower median of values given as value -> how many."""
    total = sum(counts.values())
    if not total:
        return None
    position = (total - 1) // 2
    for value in sorted(counts):
        position -= counts[value]
        if position < 0:
            return value
    raise AssertionError("unreachable")


def percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class StageDistribution:
    """How many councils are at each stage for one key area, enabler or theme."""

    key: str
    title: str
    counts: tuple[int, ...]  # index 0 is stage 1
    mature_stage: int
    gap_total: int = 0  # sum of (target - current) where a target is set
    gap_answered: int = 0
    suppressed: str | None = None

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> tuple[float | None, ...]:
        return tuple(percent(count, self.answered) for count in self.counts)

    @property
    def median(self) -> int | None:
        return lower_median({n + 1: c for n, c in enumerate(self.counts) if c})

    @property
    def at_mature(self) -> int:
        return sum(self.counts[self.mature_stage - 1:])

    @property
    def share_mature(self) -> float | None:
        return percent(self.at_mature, self.answered)

    @property
    def mean_gap(self) -> float | None:
        return round(self.gap_total / self.gap_answered, 2) if self.gap_answered else None

    @property
    def mean_stage(self) -> float | None:
        total = sum((n + 1) * c for n, c in enumerate(self.counts))
        return round(total / self.answered, 2) if self.answered else None


def distribution(key: str, title: str, stage_counts: Mapping[int, int], stages: int,
                 mature_stage: int, gap: tuple[int, int] = (0, 0),
                 suppressed: str | None = None) -> StageDistribution:
    if suppressed:
        return StageDistribution(key, title, (0,) * stages, mature_stage, suppressed=suppressed)
    counts = tuple(stage_counts.get(n, 0) for n in range(1, stages + 1))
    return StageDistribution(key, title, counts, mature_stage, gap[0], gap[1])


@dataclass
class BandCounts:
    """Councils by overall (or section) band for one group, with the mean percentage."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    percent_total: float = 0.0
    percent_count: int = 0
    councils: int = 0
    suppressed: str | None = None

    def add(self, band: str | None, count: int, percent_sum: float | None,
            percent_count: int) -> None:
        if band in self.counts:
            self.counts[band] += count
        self.councils += count
        self.percent_total += percent_sum or 0.0
        self.percent_count += percent_count

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def shares(self) -> dict[str, float | None]:
        return {band: percent(count, self.rated) for band, count in self.counts.items()}

    @property
    def mean_percent(self) -> float | None:
        if self.suppressed or not self.percent_count:
            return None
        return round(self.percent_total / self.percent_count, 1)

    def suppress(self, minimum_group: int | None) -> BandCounts:
        reason = suppression(self.councils, minimum_group)
        if reason:
            return BandCounts(self.key, self.label, councils=self.councils, suppressed=reason)
        return self


@dataclass(frozen=True)
class Group:
    """A region or council type in a breakdown, and how many counted councils it has."""

    key: str
    label: str
    councils: int
    suppressed: str | None


def group_sizes(round_id: int, council_filter: CouncilFilter
                ) -> tuple[int, dict[str, int], dict[str, int]]:
    """Counted councils: in all, by region and by type (one query)."""
    sub = counted(round_id, council_filter)
    rows = db.session.execute(
        sa.select(sub.c.region, sub.c.type, sa.func.count()).group_by(sub.c.region, sub.c.type)
    ).all()
    by_region: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for region, kind, count in rows:
        by_region[region] = by_region.get(region, 0) + count
        by_type[kind] = by_type.get(kind, 0) + count
    return sum(by_region.values()), by_region, by_type


def groups(sizes: Mapping[str, int], labels: Mapping[str, str] | None,
           minimum_group: int | None, order: Sequence[str] | None = None) -> list[Group]:
    keys: Iterable[str] = order if order is not None else sorted(sizes)
    return [Group(key, (labels or {}).get(key, key), sizes[key],
                  suppression(sizes[key], minimum_group)) for key in keys if key in sizes]


def rows_by(rows: Iterable[Any], *key_columns: int) -> dict[tuple[Any, ...], list[Any]]:
    """Group result rows by some of their columns (small, already-aggregated results only)."""
    grouped: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows:
        grouped.setdefault(tuple(row[i] for i in key_columns), []).append(row)
    return grouped
