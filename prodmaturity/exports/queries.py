"""Row generators behind every export: one streamed query each, rows shaped in Python.

Each query reads plain columns (never ORM objects, so the session's identity map stays empty)
with ``yield_per``: SQLite steps its cursor, PostgreSQL uses a server-side cursor, and memory
stays flat however many rows there are. Responses and section results arrive ordered by
council and are grouped per assessment, so an assessment's ~50 rows are all that is ever held.
Column names and order are a published contract: see ``docs/exports.md`` before changing them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..councils.register import REGISTER_COLUMNS
from ..extensions import db
from ..frameworks.model import Framework, Item, MaturityItem, Question
from ..models import Assessment, Council, Response, Round, SectionResult, User
from ..scoring import rag_of

YIELD_PER = 1000
NOT_APPLICABLE = "not_applicable"

COUNCIL_COLUMNS = (
    "round_id",
    "round_title",
    "framework_slug",
    "framework_version",
    "council_gss_code",
    "council_name",
    "council_region",
    "council_type",
    "assessment_status",
    "submitted_at",
)
LONG_COLUMNS = (
    *COUNCIL_COLUMNS,
    "section_key",
    "section_title",
    "item_key",
    "item_title",
    "answer_value",
    "answer_label",
    "points",
    "max_points",
    "target_stage_number",
    "target_stage_name",
    "not_applicable",
    "carried_forward",
    "comment",
    "last_changed_at",
    "last_changed_by",
)
RESULT_FIELDS = {
    "maturity": (("overall_median_stage", "overall_mean_stage", "share_mature"),
                 ("median_stage", "mean_stage", "share_mature")),
    "questionnaire": (("overall_percent", "overall_band", "overall_rag", "critical_failures"),
                      ("percent", "band", "rag", "critical_failures")),
}


@dataclass(frozen=True)
class RoundInfo:
    """What the rows need of a round, read once up front (generators run after the view)."""

    id: int
    title: str
    slug: str
    version: str
    framework: Framework

    @classmethod
    def of(cls, round_: Round) -> RoundInfo:
        version = round_.framework_version
        return cls(round_.id, round_.title, version.slug, version.version, version.framework)


@dataclass(frozen=True)
class Scope:
    """Whose rows an export holds: one council's (``council_id``) or all; which statuses."""

    council_id: int | None
    statuses: tuple[str, ...] | None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.council_id is not None:
            clauses.append(Assessment.council_id == self.council_id)
        if self.statuses is not None:
            clauses.append(Assessment.status.in_(self.statuses))
        return clauses


# Headers ------------------------------------------------------------------------------------


def wide_columns(framework: Framework) -> tuple[str, ...]:
    return (*COUNCIL_COLUMNS, *(item.key for item in framework.items()))


def results_columns(framework: Framework) -> tuple[str, ...]:
    overall, per_section = RESULT_FIELDS[framework.kind]
    sections = (f"{s.key}__{field}" for s in framework.sections for field in per_section)
    return (*COUNCIL_COLUMNS, *overall, *sections)


# Responses ----------------------------------------------------------------------------------


def assessment_responses(round_: RoundInfo, scope: Scope
                         ) -> Iterator[tuple[sa.Row[Any], list[sa.Row[Any]]]]:
    """Each assessment in scope (ordered by GSS code): its first row and its response rows."""
    stmt = (
        sa.select(
            Assessment.id.label("assessment_id"), Assessment.status, Assessment.submitted_at,
            Council.gss_code, Council.name, Council.region, Council.type,
            Response.item_key, Response.current_stage, Response.target_stage, Response.answer,
            Response.not_applicable, Response.comment, Response.points, Response.max_points,
            Response.carried_forward, Response.updated_at, User.name.label("updated_by"),
        )
        .join(Council, Council.id == Assessment.council_id)
        .outerjoin(Response, Response.assessment_id == Assessment.id)
        .outerjoin(User, User.id == Response.updated_by_id)
        .where(Assessment.round_id == round_.id, *scope.clauses())
        .order_by(Council.gss_code, Assessment.id)
        .execution_options(yield_per=YIELD_PER)
    )
    rows = db.session.execute(stmt)
    for _, group in itertools.groupby(rows, key=lambda row: row.assessment_id):
        responses = list(group)
        yield responses[0], [r for r in responses if r.item_key is not None]


def council_cells(round_: RoundInfo, row: sa.Row[Any]) -> list[Any]:
    return [round_.id, round_.title, round_.slug, round_.version, row.gss_code, row.name,
            row.region, row.type, row.status, row.submitted_at]


def long_rows(round_: RoundInfo, scope: Scope) -> Iterator[list[Any]]:
    """One row per council and item, in framework order; unanswered items have blank answers."""
    framework = round_.framework
    located = [(section, item) for section in framework.sections for item in section.items]
    for first, responses in assessment_responses(round_, scope):
        council = council_cells(round_, first)
        by_item = {r.item_key: r for r in responses}
        for section, item in located:
            r = by_item.get(item.key)
            yield [*council, section.key, section.title, item.key, item.title,
                   *_answer_cells(framework, item, r)]


def _answer_cells(framework: Framework, item: Item, r: sa.Row[Any] | None) -> list[Any]:
    if r is None:
        return [None] * 11
    value, label = answer_value(framework, item, r), answer_label(framework, item, r)
    target = _stage_name(framework, r.target_stage) if isinstance(item, MaturityItem) else None
    return [value, label, r.points, r.max_points, r.target_stage, target, r.not_applicable,
            r.carried_forward, r.comment, r.updated_at, r.updated_by]


def answer_value(framework: Framework, item: Item, r: sa.Row[Any]) -> Any:
    """The stable, machine-readable answer: stage number, option value(s), number or text."""
    if isinstance(item, MaturityItem):
        return r.current_stage
    if r.not_applicable:
        return NOT_APPLICABLE
    if isinstance(r.answer, list):
        return ";".join(str(value) for value in r.answer)
    return r.answer


def answer_label(framework: Framework, item: Item, r: sa.Row[Any]) -> str | None:
    """What the council saw: the stage name or option label(s); blank for numbers and text."""
    if isinstance(item, MaturityItem):
        return _stage_name(framework, r.current_stage)
    if not isinstance(item, Question) or not item.scored or r.not_applicable:
        return None
    values = r.answer if isinstance(r.answer, list) else [r.answer]
    labels = [option.label for v in values if (option := item.option(str(v))) is not None]
    return "; ".join(labels) or None


def _stage_name(framework: Framework, number: int | None) -> str | None:
    if number is None or not 1 <= number <= len(framework.stages):
        return None
    return framework.stage(number).name


def wide_rows(round_: RoundInfo, scope: Scope) -> Iterator[list[Any]]:
    """One row per council: its identity, then each item's answer value in framework order."""
    framework = round_.framework
    items = list(framework.items())
    for first, responses in assessment_responses(round_, scope):
        by_item = {r.item_key: r for r in responses}
        answers = [answer_value(framework, item, by_item[item.key])
                   if item.key in by_item else None for item in items]
        yield [*council_cells(round_, first), *answers]


# Results ------------------------------------------------------------------------------------


def results_rows(round_: RoundInfo, scope: Scope) -> Iterator[list[Any]]:
    """One row per council: stored overall results, then each section's, in framework order."""
    framework = round_.framework
    overall_fields, section_fields = RESULT_FIELDS[framework.kind]
    stmt = (
        sa.select(
            Assessment.id.label("assessment_id"), Assessment.status, Assessment.submitted_at,
            Council.gss_code, Council.name, Council.region, Council.type,
            Assessment.overall_percent, Assessment.overall_band, Assessment.overall_median_stage,
            Assessment.overall_mean_stage, Assessment.share_mature, Assessment.critical_failures,
            SectionResult.section_key, SectionResult.percent, SectionResult.band,
            SectionResult.median_stage, SectionResult.mean_stage,
            SectionResult.share_mature.label("section_share_mature"),
            SectionResult.critical_failures.label("section_critical_failures"),
        )
        .join(Council, Council.id == Assessment.council_id)
        .outerjoin(SectionResult, SectionResult.assessment_id == Assessment.id)
        .where(Assessment.round_id == round_.id, *scope.clauses())
        .order_by(Council.gss_code, Assessment.id)
        .execution_options(yield_per=YIELD_PER)
    )
    rows = db.session.execute(stmt)
    for _, group in itertools.groupby(rows, key=lambda row: row.assessment_id):
        sections = list(group)
        first = sections[0]
        by_section = {s.section_key: _section_values(s) for s in sections if s.section_key}
        overall = _overall_values(first)
        cells = [by_section.get(section.key, {}).get(field)
                 for section in framework.sections for field in section_fields]
        yield [*council_cells(round_, first), *(overall[f] for f in overall_fields), *cells]


def _overall_values(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "overall_percent": row.overall_percent,
        "overall_band": row.overall_band,
        "overall_rag": rag_of(row.overall_band) if row.overall_band else None,
        "overall_median_stage": row.overall_median_stage,
        "overall_mean_stage": row.overall_mean_stage,
        "share_mature": row.share_mature,
        "critical_failures": row.critical_failures,
    }


def _section_values(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "percent": row.percent,
        "band": row.band,
        "rag": rag_of(row.band) if row.band else None,
        "median_stage": row.median_stage,
        "mean_stage": row.mean_stage,
        "share_mature": row.section_share_mature,
        "critical_failures": row.section_critical_failures,
    }


# The council register -----------------------------------------------------------------------


def register_rows() -> Iterator[Sequence[Any]]:
    """Every council in ``REGISTER_COLUMNS`` order (what ``flask councils load`` reads)."""
    columns = [getattr(Council, name) for name in REGISTER_COLUMNS]
    stmt = (sa.select(*columns).order_by(Council.gss_code)
            .execution_options(yield_per=YIELD_PER))
    yield from db.session.execute(stmt)
