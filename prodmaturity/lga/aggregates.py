"""A round's aggregated results, from submitted and accepted assessments only.

Every figure comes from GROUP BY queries over responses and the stored per-section and overall
results; the number of queries is fixed, whatever the number of councils. LGA roles pass
``minimum_group=None`` and may see any group; every other caller passes a threshold (normally
``COMPARISON_MINIMUM``) and gets smaller groups suppressed, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..frameworks.model import BANDS, Framework, Question
from ..models.assessment import Assessment, Response, Round, SectionResult
from ..models.council import COUNCIL_TYPE_LABELS, CouncilType
from .change import Change, change_since_previous
from .filters import CouncilFilter
from .stats import (
    COMPARISON_MINIMUM,
    BandCounts,
    Group,
    StageDistribution,
    counted,
    distribution,
    group_sizes,
    groups,
    mature_stage_number,
    percent,
    rows_by,
    suppression,
)

__all__ = [
    "COMPARISON_MINIMUM",
    "BandCounts",
    "Breakdown",
    "Change",
    "FailedQuestion",
    "Group",
    "MaturityResults",
    "QuestionnaireResults",
    "StageDistribution",
    "ThemeSummary",
    "maturity_results",
    "most_failed_questions",
    "questionnaire_results",
    "round_results",
]

TYPE_ORDER = [kind.value for kind in CouncilType]
TYPE_LABELS = {kind.value: label for kind, label in COUNCIL_TYPE_LABELS.items()}


@dataclass(frozen=True)
class Breakdown:
    """Key areas (rows) by region or council type (columns)."""

    title: str
    groups: list[Group]
    cells: dict[str, dict[str, StageDistribution]]


@dataclass(frozen=True)
class ThemeSummary:
    """A theme across councils: councils by their theme median, and averages of their results."""

    key: str
    title: str
    councils: StageDistribution  # councils counted by their own median stage for the theme
    mean_stage: float | None  # average of councils' mean stage
    share_mature: float | None  # average share of the theme's key areas at Mature or above
    mean_gap: float | None


@dataclass(frozen=True)
class MaturityResults:
    round: Round
    framework: Framework
    council_filter: CouncilFilter
    councils: int
    suppressed: str | None
    items: list[StageDistribution]
    themes: list[ThemeSummary]
    by_region: Breakdown
    by_type: Breakdown
    change: Change
    kind: str = "maturity"


@dataclass(frozen=True)
class FailedQuestion:
    key: str
    title: str
    section_title: str
    critical: bool
    failed: int
    answered: int

    @property
    def share(self) -> float | None:
        return percent(self.failed, self.answered)


@dataclass(frozen=True)
class QuestionnaireResults:
    round: Round
    framework: Framework
    council_filter: CouncilFilter
    councils: int
    suppressed: str | None
    overall: BandCounts
    by_region: list[BandCounts]
    by_type: list[BandCounts]
    sections: list[BandCounts]  # in framework order; ``weakest`` sorts them
    most_failed: list[FailedQuestion]
    change: Change
    kind: str = "questionnaire"
    bands: tuple[str, ...] = field(default=BANDS)

    @property
    def weakest(self) -> list[BandCounts]:
        scored = [s for s in self.sections if s.mean_percent is not None]
        return sorted(scored, key=lambda s: (s.mean_percent, s.key))


def round_results(round_: Round, council_filter: CouncilFilter | None = None, *,
                  minimum_group: int | None = None
                  ) -> MaturityResults | QuestionnaireResults:
    """The aggregated results for any round, by its framework's kind."""
    council_filter = council_filter or CouncilFilter()
    if round_.framework_version.kind == "maturity":
        return maturity_results(round_, council_filter, minimum_group=minimum_group)
    return questionnaire_results(round_, council_filter, minimum_group=minimum_group)


# Maturity ------------------------------------------------------------------------------------


def _stage_rows(sub: sa.Subquery, *group: sa.ColumnElement[Any]) -> list[Any]:
    """(group..., item, stage, councils, sum of gaps, gaps answered) for counted responses."""
    return db.session.execute(
        sa.select(*group, Response.item_key, Response.current_stage, sa.func.count(),
                  sa.func.sum(Response.target_stage - Response.current_stage),
                  sa.func.count(Response.target_stage))
        .join(sub, sub.c.id == Response.assessment_id)
        .where(Response.current_stage.is_not(None), Response.carried_forward.is_(False))
        .group_by(*group, Response.item_key, Response.current_stage)
    ).all()


def _distributions(rows: list[Any], framework: Framework, offset: int,
                   suppressed: str | None = None) -> dict[str, StageDistribution]:
    """Item key -> distribution, from rows whose item column is at ``offset``."""
    stages, mature = len(framework.stages), mature_stage_number(framework)
    result = {}
    for (key,), item_rows in rows_by(rows, offset).items():
        counts = {r[offset + 1]: r[offset + 2] for r in item_rows}
        gap = (sum(r[offset + 3] or 0 for r in item_rows), sum(r[offset + 4] for r in item_rows))
        title = framework.item(key).title if _has_item(framework, key) else key
        result[key] = distribution(key, title, counts, stages, mature, gap, suppressed)
    return result


def _has_item(framework: Framework, key: str) -> bool:
    return any(item.key == key for item in framework.items())


def _empty(framework: Framework, key: str, title: str, suppressed: str | None = None
           ) -> StageDistribution:
    return distribution(key, title, {}, len(framework.stages), mature_stage_number(framework),
                        suppressed=suppressed)


def _roll_up(rows: list[Any], keep: tuple[int, ...]) -> list[tuple[Any, ...]]:
    """Sum (region, type, item, stage, ...) rows over the group columns not in ``keep``.

    One GROUP BY region and type feeds the national, by-region and by-type views, so the
    response table is read once per page rather than three times.
    """
    totals: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key = (*(row[i] for i in keep), row[2], row[3])
        acc = totals.setdefault(key, [0, 0, 0])
        acc[0] += row[4]
        acc[1] += row[5] or 0
        acc[2] += row[6]
    return [(*key, *acc) for key, acc in totals.items()]


def _breakdown(title: str, rows: list[Any], group_list: list[Group],
               framework: Framework) -> Breakdown:
    by_group = rows_by(rows, 0)
    cells: dict[str, dict[str, StageDistribution]] = {i.key: {} for i in framework.items()}
    for group in group_list:
        found = _distributions(by_group.get((group.key,), []), framework, 1, group.suppressed)
        for item in framework.items():
            cells[item.key][group.key] = found.get(item.key) or _empty(
                framework, item.key, item.title, group.suppressed)
    return Breakdown(title, group_list, cells)


def _themes(sub: sa.Subquery, framework: Framework,
            items: dict[str, StageDistribution]) -> list[ThemeSummary]:
    rows = db.session.execute(
        sa.select(SectionResult.section_key, SectionResult.median_stage, sa.func.count(),
                  sa.func.avg(SectionResult.mean_stage), sa.func.avg(SectionResult.share_mature))
        .join(sub, sub.c.id == SectionResult.assessment_id)
        .where(SectionResult.median_stage.is_not(None))
        .group_by(SectionResult.section_key, SectionResult.median_stage)
    ).all()
    grouped = rows_by(rows, 0)
    stages, mature = len(framework.stages), mature_stage_number(framework)
    themes = []
    for section in framework.sections:
        found = grouped.get((section.key,), [])
        councils = sum(r[2] for r in found)
        counts = {round(r[1]): r[2] for r in found}
        gaps = [items[i.key] for i in section.items if i.key in items]
        gap_answered = sum(d.gap_answered for d in gaps)
        themes.append(ThemeSummary(
            section.key, section.title,
            distribution(section.key, section.title, counts, stages, mature),
            round(sum(r[3] * r[2] for r in found) / councils, 2) if councils else None,
            round(sum(r[4] * r[2] for r in found) / councils, 1) if councils else None,
            round(sum(d.gap_total for d in gaps) / gap_answered, 2) if gap_answered else None,
        ))
    return themes


def maturity_results(round_: Round, council_filter: CouncilFilter | None = None, *,
                     minimum_group: int | None = None) -> MaturityResults:
    """Stage distributions, medians, share at Mature or above and gaps: overall, by theme,
    by region and by council type, and the paired change since the previous round."""
    council_filter = council_filter or CouncilFilter()
    framework = round_.framework_version.framework
    total, by_region, by_type = group_sizes(round_.id, council_filter)
    suppressed = suppression(total, minimum_group)
    sub = counted(round_.id, council_filter)
    change = change_since_previous(round_, council_filter, minimum_group=minimum_group)
    if suppressed:
        items = [_empty(framework, i.key, i.title, suppressed) for i in framework.items()]
        empty = Breakdown("", [], {})
        return MaturityResults(round_, framework, council_filter, total, suppressed, items, [],
                               empty, empty, change)
    detailed = _stage_rows(sub, sub.c.region, sub.c.type)
    found = _distributions(_roll_up(detailed, ()), framework, 0)
    items = [found.get(i.key) or _empty(framework, i.key, i.title) for i in framework.items()]
    return MaturityResults(
        round_, framework, council_filter, total, None, items,
        _themes(sub, framework, found),
        _breakdown("By region", _roll_up(detailed, (0,)),
                   groups(by_region, None, minimum_group), framework),
        _breakdown("By council type", _roll_up(detailed, (1,)),
                   groups(by_type, TYPE_LABELS, minimum_group, TYPE_ORDER), framework),
        change,
    )


# Questionnaire -------------------------------------------------------------------------------


def _overall_bands(sub: sa.Subquery, minimum_group: int | None
                   ) -> tuple[BandCounts, list[BandCounts], list[BandCounts]]:
    rows = db.session.execute(
        sa.select(sub.c.region, sub.c.type, Assessment.overall_band, sa.func.count(),
                  sa.func.sum(Assessment.overall_percent),
                  sa.func.count(Assessment.overall_percent))
        .join(sub, sub.c.id == Assessment.id)
        .group_by(sub.c.region, sub.c.type, Assessment.overall_band)
    ).all()
    national = BandCounts("all", "All councils")
    regions: dict[str, BandCounts] = {}
    types: dict[str, BandCounts] = {}
    for region, kind, band, count, percent_sum, percent_count in rows:
        for target in (national, regions.setdefault(region, BandCounts(region, region)),
                       types.setdefault(kind, BandCounts(kind, TYPE_LABELS.get(kind, kind)))):
            target.add(band, count, percent_sum, percent_count)
    return (
        national.suppress(minimum_group),
        [regions[key].suppress(minimum_group) for key in sorted(regions)],
        [types[key].suppress(minimum_group) for key in TYPE_ORDER if key in types],
    )


def _sections(sub: sa.Subquery, framework: Framework) -> list[BandCounts]:
    rows = db.session.execute(
        sa.select(SectionResult.section_key, SectionResult.band, sa.func.count(),
                  sa.func.sum(SectionResult.percent), sa.func.count(SectionResult.percent))
        .join(sub, sub.c.id == SectionResult.assessment_id)
        .group_by(SectionResult.section_key, SectionResult.band)
    ).all()
    sections = {s.key: BandCounts(s.key, s.title) for s in framework.sections}
    for key, band, count, percent_sum, percent_count in rows:
        if key in sections:
            sections[key].add(band, count, percent_sum, percent_count)
    return list(sections.values())


def most_failed_questions(round_: Round, council_filter: CouncilFilter | None = None, *,
                          limit: int = 10) -> list[FailedQuestion]:
    """Questions most often answered at the bottom of their scale, most failures first."""
    framework = round_.framework_version.framework
    sub = counted(round_.id, council_filter or CouncilFilter())
    failed = sa.func.sum(sa.case((Response.at_lowest.is_(True), 1), else_=0))
    rows = db.session.execute(
        sa.select(Response.item_key, failed, sa.func.count())
        .join(sub, sub.c.id == Response.assessment_id)
        .where(Response.points.is_not(None), Response.not_applicable.is_(False),
               Response.carried_forward.is_(False))
        .group_by(Response.item_key)
        .having(failed > 0)
        .order_by(failed.desc(), Response.item_key)
        .limit(limit)
    ).all()
    result = []
    for key, failures, answered in rows:
        if not _has_item(framework, key):
            continue
        question = framework.item(key)
        assert isinstance(question, Question)
        result.append(FailedQuestion(key, question.title, framework.section_of(key).title,
                                     question.critical, failures, answered))
    return result


def questionnaire_results(round_: Round, council_filter: CouncilFilter | None = None, *,
                          minimum_group: int | None = None) -> QuestionnaireResults:
    """Overall RAG distribution (with amber sub-bands) nationally, by region and by type;
    section averages and RAG distributions; most failed questions; paired change."""
    council_filter = council_filter or CouncilFilter()
    framework = round_.framework_version.framework
    sub = counted(round_.id, council_filter)
    national, regions, types = _overall_bands(sub, minimum_group)
    change = change_since_previous(round_, council_filter, minimum_group=minimum_group)
    if national.suppressed:
        return QuestionnaireResults(round_, framework, council_filter, national.councils,
                                    national.suppressed, national, [], [], [], [], change)
    return QuestionnaireResults(
        round_, framework, council_filter, national.councils, None, national, regions, types,
        _sections(sub, framework), most_failed_questions(round_, council_filter), change,
    )
