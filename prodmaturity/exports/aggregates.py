"""The aggregated results export: every table behind the aggregated views, in one tidy CSV.

One row per figure (table, group, subject, metric, value), so maturity and questionnaire rounds,
and rounds of different framework versions, share one set of columns and stack. The figures come
from ``prodmaturity.lga.aggregates`` with the same small-group suppression as the pages: LGA
staff see every group; anyone else gets groups under ``COMPARISON_MINIMUM`` councils blanked,
with the reason in ``suppressed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..lga.aggregates import (
    COMPARISON_MINIMUM,
    BandCounts,
    Change,
    MaturityResults,
    QuestionnaireResults,
    StageDistribution,
    round_results,
)
from ..models import Round, User
from .queries import RoundInfo

AGGREGATE_COLUMNS = (
    "round_id",
    "round_title",
    "framework_slug",
    "framework_version",
    "table",
    "group_key",
    "group_label",
    "subject_key",
    "subject_title",
    "metric",
    "value",
    "suppressed",
)
ALL = ("all", "All councils")


def minimum_group_for(user: User) -> int | None:
    """LGA staff see any group; everyone else the pages' threshold."""
    return None if user.is_lga else COMPARISON_MINIMUM


def aggregate_results(round_: Round, user: User) -> MaturityResults | QuestionnaireResults:
    return round_results(round_, minimum_group=minimum_group_for(user))


def aggregate_rows(info: RoundInfo, results: MaturityResults | QuestionnaireResults
                   ) -> Iterator[list[Any]]:
    prefix = [info.id, info.title, info.slug, info.version]
    for table, group, subject, metric, value, suppressed in _figures(results):
        yield [*prefix, table, *group, *subject, metric, None if suppressed else value,
               suppressed]


Figure = tuple[str, tuple[str, str], tuple[str, str], str, Any, str | None]


def _figures(results: MaturityResults | QuestionnaireResults) -> Iterator[Figure]:
    if isinstance(results, MaturityResults):
        yield from _maturity(results)
    else:
        yield from _questionnaire(results)
    yield from _change(results.change)


def _maturity(results: MaturityResults) -> Iterator[Figure]:
    stages = results.framework.stages
    for item in results.items:
        yield from _distribution("items", ALL, item, stages, results.suppressed)
    for theme in results.themes:
        yield from _distribution("themes", ALL, theme.councils, stages)
        for metric in ("mean_stage", "share_mature", "mean_gap"):
            yield ("themes", ALL, (theme.key, theme.title), metric, getattr(theme, metric), None)
    for table, breakdown in (("by_region", results.by_region), ("by_type", results.by_type)):
        for group in breakdown.groups:
            for cells in breakdown.cells.values():
                yield from _distribution(table, (group.key, group.label), cells[group.key],
                                         stages, group.suppressed)


def _distribution(table: str, group: tuple[str, str], d: StageDistribution, stages: Any,
                  suppressed: str | None = None) -> Iterator[Figure]:
    reason = d.suppressed or suppressed
    subject = (d.key, d.title)
    for stage, count in zip(stages, d.counts, strict=True):
        yield table, group, subject, f"councils_at_{stage.key}", count, reason
    for metric in ("answered", "median", "mean_stage", "share_mature", "mean_gap"):
        yield table, group, subject, metric, getattr(d, metric), reason


def _questionnaire(results: QuestionnaireResults) -> Iterator[Figure]:
    yield from _bands("overall", ALL, results.overall)
    for table, rows in (("by_region", results.by_region), ("by_type", results.by_type)):
        for bands in rows:
            yield from _bands(table, (bands.key, bands.label), bands)
    for section in results.sections:
        yield from _bands("sections", ALL, section, subject=(section.key, section.label))
    for question in results.most_failed:
        subject = (question.key, question.title)
        for metric in ("failed", "answered", "share"):
            yield "most_failed", ALL, subject, metric, getattr(question, metric), None


def _bands(table: str, group: tuple[str, str], bands: BandCounts,
           subject: tuple[str, str] = ("", "")) -> Iterator[Figure]:
    reason = bands.suppressed
    yield table, group, subject, "councils", bands.councils, None
    for band, count in bands.counts.items():
        yield table, group, subject, f"councils_{band}", count, reason
    yield table, group, subject, "mean_percent", bands.mean_percent, reason


def _change(change: Change) -> Iterator[Figure]:
    if change.previous_round is None:
        return
    previous = (str(change.previous_round.id), change.previous_round.title)
    yield "change", previous, ("", ""), "paired_councils", change.paired, None
    rows = [*change.rows, *([change.overall] if change.overall else [])]
    for row in rows:
        for metric in ("previous", "current", "change", "previous_median", "current_median",
                       "previous_share_mature", "current_share_mature"):
            yield ("change", previous, (row.key, row.title), metric, getattr(row, metric),
                   change.suppressed)
