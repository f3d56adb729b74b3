"""An assessment's results: scoring and storing them, the council's profile, comparisons, history.

Scores come only from the pure functions in ``scoring.py``. They are stored per assessment and per
section at submission, so comparisons are GROUP BY queries over small tables. A profile of a
submitted assessment reads the stored result; any other assessment is scored on the fly and
marked as a draft. Comparison groups smaller than ``COMPARISON_MINIMUM`` are never shown, so no
council's confidential rating can be worked out from a group's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..frameworks.model import Framework, MaturityItem, MaturityRules, Question, band_label
from ..models.assessment import (
    COUNTED_STATUSES,
    Assessment,
    AssessmentStatus,
    Response,
    Round,
    SectionResult,
)
from ..models.council import COUNCIL_TYPE_LABELS, Council, CouncilType
from ..models.framework import FrameworkVersion
from ..scoring import MaturityResult, QuestionnaireResult, rag_of, score, weakest_answers
from .answers import answers_for

COMPARISON_MINIMUM = 5
ACTION_COUNT = 5

Result = MaturityResult | QuestionnaireResult


# Scoring and storing -------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredValues:
    """Column values for the assessment row and one row per section."""

    assessment: dict[str, Any]
    sections: list[dict[str, Any]]


def score_responses(framework: Framework, responses: Sequence[Response]) -> Result:
    return score(framework, answers_for(framework, responses))


def result_document(framework: Framework, result: Result) -> dict[str, Any]:
    """The full result with every reason, as JSON: the record of how a rating was reached."""
    document = asdict(result)
    document["kind"] = framework.kind
    document["complete"] = result.complete
    if isinstance(result, QuestionnaireResult):
        document["weakest"] = [q.key for q in weakest_answers(result, ACTION_COUNT)]
    return document


def stored_values(framework: Framework, result: Result) -> StoredValues:
    """What ``compute_and_store`` writes; the demo data uses it to write in bulk."""
    document = result_document(framework, result)
    if isinstance(result, MaturityResult):
        o = result.overall
        overall = {"overall_percent": None, "overall_band": None, "overall_median_stage": o.median,
                   "overall_mean_stage": o.mean, "share_mature": o.mature_percent,
                   "critical_failures": None}
        sections = [{"section_key": s.key, "percent": None, "band": None,
                     "median_stage": s.median, "mean_stage": s.mean,
                     "share_mature": s.mature_percent, "answered": s.answered,
                     "critical_failures": 0} for s in result.sections]
    else:
        q = result.overall
        overall = {"overall_percent": q.percent, "overall_band": q.band,
                   "overall_median_stage": None, "overall_mean_stage": None,
                   "share_mature": None, "critical_failures": len(q.critical_failures)}
        sections = [{"section_key": s.key, "percent": s.percent, "band": s.band,
                     "median_stage": None, "mean_stage": None, "share_mature": None,
                     "answered": s.answered, "critical_failures": len(s.critical_failures)}
                    for s in result.sections]
    return StoredValues({**overall, "result": document}, sections)


def load_responses(assessment_id: int) -> list[Response]:
    return list(db.session.scalars(
        sa.select(Response).where(Response.assessment_id == assessment_id).order_by(Response.id)
    ))


def compute_and_store(assessment: Assessment) -> None:
    """Score the saved answers and replace the stored results; the caller commits.

    Called inside the submit transaction, so a submission and its rating are saved together.
    """
    framework = assessment.round.framework_version.framework
    values = stored_values(framework, score_responses(framework, load_responses(assessment.id)))
    db.session.execute(sa.delete(SectionResult)
                       .where(SectionResult.assessment_id == assessment.id))
    for name, value in values.assessment.items():
        setattr(assessment, name, value)
    db.session.add_all(SectionResult(assessment_id=assessment.id, **row)
                       for row in values.sections)
    db.session.flush()


# Profile -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemProfile:
    """A key area or enabler: where the council is, where it aims to be, and what comes next."""

    key: str
    title: str
    type_label: str
    section_title: str
    current: int | None
    current_name: str | None
    target: int | None
    target_name: str | None
    gap: int | None
    next_stage_name: str | None
    next_stage_asks: str | None
    reason: str


@dataclass(frozen=True)
class StageFigures:
    """A theme's (or the overall, ``key`` None) stage statistics."""

    key: str | None
    title: str
    answered: int
    total: int
    median: int | None
    median_name: str | None
    mean: float | None
    share_mature: float | None


@dataclass(frozen=True)
class RagFigures:
    """A section's (or the overall, ``key`` None) percentage and band."""

    key: str | None
    title: str
    percent: float | None
    band: str | None
    band_label: str | None
    rag: str | None
    answered: int
    total: int
    critical_failures: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    """An answer worth improving: the question, the council's answer and the best answer."""

    key: str
    title: str
    text: str
    section_title: str
    answer_label: str | None
    best_label: str
    percent: float | None
    critical: bool
    critical_failure: bool


@dataclass(frozen=True)
class Profile:
    assessment_id: int
    council_name: str
    round_title: str
    framework_title: str
    framework_slug: str
    kind: str
    status: str
    status_label: str
    draft: bool
    complete: bool
    missing: int
    notice: str
    stages: tuple[str, ...] = ()
    mature_stage_name: str = ""
    section_titles: dict[str, str] = field(default_factory=dict)
    items: tuple[ItemProfile, ...] = ()
    themes: tuple[StageFigures, ...] = ()
    overall_stage: StageFigures | None = None
    sections: tuple[RagFigures, ...] = ()
    overall_rag: RagFigures | None = None
    critical_gaps: tuple[Action, ...] = ()
    actions: tuple[Action, ...] = ()
    reasons: tuple[str, ...] = ()

    def figures_for(self, key: str) -> StageFigures | RagFigures | None:
        """This council's figures for a section, to set beside a comparison group's."""
        return next((s for s in (*self.themes, *self.sections) if s.key == key), None)

    def stage_name(self, number: int | None) -> str:
        return self.stages[number - 1] if number else ""

    @property
    def next_steps(self) -> tuple[ItemProfile, ...]:
        """Items below their target, with what the next stage asks."""
        return tuple(item for item in self.items if item.gap and item.gap > 0)


def profile(assessment: Assessment) -> Profile:
    """The results page's content: the stored result once submitted, otherwise a draft."""
    framework = assessment.round.framework_version.framework
    draft = assessment.status not in COUNTED_STATUSES or assessment.result is None
    if draft:
        result = score_responses(framework, load_responses(assessment.id))
        document = result_document(framework, result)
    else:
        document = assessment.result or {}
    header = {
        "assessment_id": assessment.id, "council_name": assessment.council.name,
        "round_title": assessment.round.title, "framework_title": framework.title,
        "framework_slug": framework.slug, "kind": framework.kind, "status": assessment.status,
        "status_label": AssessmentStatus(assessment.status).label, "draft": draft,
        "complete": bool(document["complete"]),
        "missing": len(document["overall"]["missing"]), "notice": framework.notice,
        "section_titles": {s.key: s.title for s in framework.sections},
    }
    if framework.kind == "maturity":
        return _maturity_profile(framework, document, header)
    return _questionnaire_profile(framework, document, header)


def _stage_name(framework: Framework, number: int | None) -> str | None:
    return framework.stage(int(number)).name if number is not None else None


def _maturity_profile(framework: Framework, document: dict[str, Any],
                      header: dict[str, Any]) -> Profile:
    rules = framework.scoring
    assert isinstance(rules, MaturityRules)
    items = []
    for row in document["items"]:
        item = framework.item(row["key"])
        assert isinstance(item, MaturityItem)
        current = row["current"]
        following = current + 1 if current is not None and current < len(framework.stages) \
            else None
        items.append(ItemProfile(
            row["key"], row["title"], "Key area" if item.type == "key_area" else "Enabler",
            framework.section_of(item.key).title, current, _stage_name(framework, current),
            row["target"], _stage_name(framework, row["target"]), row["gap"],
            _stage_name(framework, following),
            item.descriptors[framework.stage(following).key] if following else None,
            row["reason"]))
    themes = tuple(_stage_figures(framework, s) for s in document["sections"])
    overall = document["overall"]
    reasons = tuple(overall["reasons"]) + tuple(r for s in document["sections"]
                                                for r in s["reasons"])
    mature = next(s.name for s in framework.stages if s.key == rules.mature_stage)
    return Profile(**header, stages=tuple(s.name for s in framework.stages),
                   mature_stage_name=mature, items=tuple(items), themes=themes,
                   overall_stage=_stage_figures(framework, overall), reasons=reasons)


def _stage_figures(framework: Framework, summary: dict[str, Any]) -> StageFigures:
    return StageFigures(summary["key"], summary["title"], summary["answered"], summary["total"],
                        summary["median"], _stage_name(framework, summary["median"]),
                        summary["mean"], summary["mature_percent"])


def _questionnaire_profile(framework: Framework, document: dict[str, Any],
                           header: dict[str, Any]) -> Profile:
    questions = {q["key"]: q for q in document["questions"]}
    sections = tuple(_rag_figures(framework, s) for s in document["sections"])
    failures = tuple(_action(framework, q) for q in document["questions"]
                     if q["critical_failure"])
    actions = tuple(_action(framework, questions[key]) for key in document.get("weakest", ()))
    reasons = tuple(document["overall"]["reasons"]) + tuple(
        r for s in document["sections"] for r in s["reasons"])
    return Profile(**header, sections=sections,
                   overall_rag=_rag_figures(framework, document["overall"]),
                   critical_gaps=failures, actions=actions, reasons=reasons)


def _rag_figures(framework: Framework, rag: dict[str, Any]) -> RagFigures:
    titles = [framework.item(key).title for key in rag["critical_failures"]]
    band = rag["band"]
    return RagFigures(rag["key"], rag["title"], rag["percent"], band,
                      band_label(band).capitalize() if band else None,
                      rag_of(band) if band else None, rag["answered"], rag["total"],
                      tuple(titles))


def _action(framework: Framework, score: dict[str, Any]) -> Action:
    question = framework.item(score["key"])
    assert isinstance(question, Question)
    best = max(question.options, key=lambda option: option.points)
    best_label = ("All of them" if question.type == "multiple_choice" else best.label)
    return Action(question.key, question.title, question.text,
                  framework.section_of(question.key).title, score["answer_label"], best_label,
                  score["percent"], question.critical, score["critical_failure"])


# Comparisons ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SectionFigures:
    key: str
    title: str
    councils: int
    average_percent: float | None
    average_mean_stage: float | None
    median_stage: int | None
    share_mature: float | None
    counts: dict[str, int]


@dataclass(frozen=True)
class GroupFigures:
    """One comparison group; figures are empty when ``shown`` is False (see ``hidden_reason``)."""

    key: str
    label: str
    councils: int
    shown: bool
    hidden_reason: str | None = None
    average_percent: float | None = None
    average_mean_stage: float | None = None
    median_stage: int | None = None
    share_mature: float | None = None
    with_critical_failures: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    sections: tuple[SectionFigures, ...] = ()


@dataclass(frozen=True)
class Comparisons:
    round_title: str
    kind: str
    groups: tuple[GroupFigures, ...]


def comparisons(assessment: Assessment) -> Comparisons:
    """National, same-region and same-type figures for the round, from submitted results only."""
    council = assessment.council
    framework = assessment.round.framework_version.framework
    type_label = COUNCIL_TYPE_LABELS[CouncilType(council.type)]
    specs = (
        ("national", "All councils in England", None, "Fewer than 5 councils have submitted"),
        ("region", f"Councils in {council.region}", Council.region == council.region,
         "Fewer than 5 councils in this region have submitted"),
        ("type", f"{type_label} councils", Council.type == council.type,
         "Fewer than 5 councils of this type have submitted"),
    )
    groups = tuple(_group(assessment.round_id, framework, key, label, clause, why)
                   for key, label, clause, why in specs)
    return Comparisons(assessment.round.title, framework.kind, groups)


def _counted(round_id: int, clause: sa.ColumnElement[bool] | None) -> list[Any]:
    conditions = [Assessment.round_id == round_id, Assessment.status.in_(COUNTED_STATUSES)]
    return conditions + ([clause] if clause is not None else [])


def _group(round_id: int, framework: Framework, key: str, label: str,
           clause: sa.ColumnElement[bool] | None, why: str) -> GroupFigures:
    maturity = framework.kind == "maturity"
    bucket = Assessment.overall_median_stage if maturity else Assessment.overall_band
    overall = db.session.execute(
        sa.select(bucket, sa.func.count(), *_sums(Assessment.overall_percent,
                                                  Assessment.overall_mean_stage,
                                                  Assessment.share_mature),
                  sa.func.sum(sa.case((Assessment.critical_failures > 0, 1), else_=0)))
        .join(Council, Council.id == Assessment.council_id)
        .where(*_counted(round_id, clause)).group_by(bucket)
    ).all()
    councils = sum(row[1] for row in overall)
    if councils < COMPARISON_MINIMUM:
        return GroupFigures(key, label, councils, False,
                            f"{why}, so their figures are not shown to protect confidentiality")
    section_bucket = SectionResult.median_stage if maturity else SectionResult.band
    by_section = db.session.execute(
        sa.select(SectionResult.section_key, section_bucket, sa.func.count(),
                  *_sums(SectionResult.percent, SectionResult.mean_stage,
                         SectionResult.share_mature))
        .join(Assessment, Assessment.id == SectionResult.assessment_id)
        .join(Council, Council.id == Assessment.council_id)
        .where(*_counted(round_id, clause)).group_by(SectionResult.section_key, section_bucket)
    ).all()
    figures = _combine(overall)
    sections = tuple(
        SectionFigures(s.key, s.title, **_combine([r[1:] for r in by_section if r[0] == s.key]))
        for s in framework.sections
    )
    return GroupFigures(key, label, councils, True, None, figures["average_percent"],
                        figures["average_mean_stage"], figures["median_stage"],
                        figures["share_mature"], int(sum(row[-1] or 0 for row in overall)),
                        figures["counts"], sections)


def _sums(*columns: Any) -> list[Any]:
    """Sum and count of each column, so groups can be averaged without losing NULLs."""
    return [f(column) for column in columns for f in (sa.func.sum, sa.func.count)]


def _combine(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Merge per-bucket rows (bucket, count, sum/count pairs) into averages and a distribution."""
    def average(position: int) -> float | None:
        total = sum(row[position] or 0 for row in rows)
        count = sum(row[position + 1] or 0 for row in rows)
        return round(total / count, 2 if position == 4 else 1) if count else None

    counts = {_bucket_key(row[0]): row[1] for row in rows if row[0] is not None}
    return {"councils": sum(row[1] for row in rows), "average_percent": average(2),
            "average_mean_stage": average(4), "median_stage": _lower_median(counts),
            "share_mature": average(6), "counts": counts}


def _bucket_key(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) else str(value)


def _lower_median(counts: dict[str, int]) -> int | None:
    """The lower median of stage numbers from their counts (as scoring.py does for items)."""
    stages = sorted((int(k), n) for k, n in counts.items() if k.isdigit())
    total = sum(n for _, n in stages)
    seen = 0
    for stage, n in stages:
        seen += n
        if seen > (total - 1) // 2:
            return stage
    return None


# History -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SectionPoint:
    percent: float | None
    band: str | None
    median_stage: int | None
    mean_stage: float | None


@dataclass(frozen=True)
class HistoryEntry:
    assessment_id: int
    round_title: str
    opens_on: date
    status_label: str
    overall_percent: float | None
    overall_band: str | None
    overall_median_stage: int | None
    overall_mean_stage: float | None
    share_mature: float | None
    critical_failures: int | None
    sections: dict[str, SectionPoint]

    @property
    def band_label(self) -> str | None:
        return band_label(self.overall_band).capitalize() if self.overall_band else None


def history(council: Council, slug: str, *, before: Round | None = None) -> list[HistoryEntry]:
    """The council's submitted results in rounds of the framework (earlier than ``before``).

    One query: assessments joined to their section results, oldest round first.
    """
    query = (
        sa.select(Assessment.id, Round.title, Round.opens_on, Assessment.status,
                  Assessment.overall_percent, Assessment.overall_band,
                  Assessment.overall_median_stage, Assessment.overall_mean_stage,
                  Assessment.share_mature, Assessment.critical_failures,
                  SectionResult.section_key, SectionResult.percent, SectionResult.band,
                  SectionResult.median_stage, SectionResult.mean_stage)
        .join(Round, Round.id == Assessment.round_id)
        .join(FrameworkVersion, FrameworkVersion.id == Round.framework_version_id)
        .outerjoin(SectionResult, SectionResult.assessment_id == Assessment.id)
        .where(Assessment.council_id == council.id, FrameworkVersion.slug == slug,
               Assessment.status.in_(COUNTED_STATUSES))
        .order_by(Round.opens_on, Round.id, SectionResult.id)
    )
    if before is not None:
        query = query.where(Round.opens_on < before.opens_on, Round.id != before.id)
    entries: dict[int, HistoryEntry] = {}
    for row in db.session.execute(query):
        entry = entries.get(row[0])
        if entry is None:
            entry = entries[row[0]] = HistoryEntry(
                row[0], row[1], row[2], AssessmentStatus(row[3]).label, row[4], row[5],
                int(row[6]) if row[6] is not None else None, row[7], row[8], row[9], {})
        if row[10] is not None:
            entry.sections[row[10]] = SectionPoint(
                row[11], row[12], int(row[13]) if row[13] is not None else None, row[14])
    return list(entries.values())
