"""Maturity and RAG scoring: pure, deterministic functions with human-readable reasons.

No Flask and no database, so a published rating can be reproduced from the stored framework
version and answers alone. Rules (documented in docs/frameworks.md):

* Unanswered items are incomplete: left out of every statistic and listed as missing, never zero.
* Maturity median is the lower median, so it is always a real stage.
* Questionnaire percentages are weighted points over weighted maximum, across applicable answered
  scored questions; "not applicable" leaves the denominator. Overall pools every such question.
* A critical question answered at its lowest points caps its section and the overall rating.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from prodmaturity.frameworks.model import (
    BANDS,
    Framework,
    MaturityItem,
    MaturityRules,
    Question,
    QuestionnaireRules,
    Section,
    band_label,
)


@dataclass(frozen=True)
class MaturityAnswer:
    """Stage numbers 1..n for now and for the council's own target; ``None`` if not chosen."""

    current: int | None = None
    target: int | None = None


@dataclass(frozen=True)
class QuestionAnswer:
    """An option value, a list of option values (multiple choice), a number or text."""

    value: str | Sequence[str] | float | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class ItemScore:
    key: str
    section_key: str
    title: str
    current: int | None
    target: int | None
    gap: int | None
    reason: str


@dataclass(frozen=True)
class StageSummary:
    """Roll-up for a section (``key`` is the section key) or overall (``key`` is ``None``)."""

    key: str | None
    title: str
    answered: int
    total: int
    missing: tuple[str, ...]
    median: int | None
    mean: float | None
    mature_or_above: int
    mature_percent: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MaturityResult:
    items: tuple[ItemScore, ...]
    sections: tuple[StageSummary, ...]
    overall: StageSummary

    @property
    def complete(self) -> bool:
        return not self.overall.missing


@dataclass(frozen=True)
class QuestionScore:
    """One question; ``points`` and ``max_points`` are weighted, ``percent`` is unweighted."""

    key: str
    section_key: str
    title: str
    answered: bool
    not_applicable: bool
    scored: bool
    required: bool
    critical: bool
    critical_failure: bool
    answer_label: str | None
    points: float | None
    max_points: float | None
    percent: float | None
    reason: str


@dataclass(frozen=True)
class RagScore:
    """Section or overall (``key`` is ``None``) result; ``band`` includes the amber sub-bands."""

    key: str | None
    title: str
    points: float
    max_points: float
    percent: float | None
    band: str | None
    rag: str | None
    answered: int
    total: int
    missing: tuple[str, ...]
    not_applicable: tuple[str, ...]
    critical_failures: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class QuestionnaireResult:
    questions: tuple[QuestionScore, ...]
    sections: tuple[RagScore, ...]
    overall: RagScore

    @property
    def complete(self) -> bool:
        return not self.overall.missing


def band_rank(band: str) -> int:
    """0 for red up to 4 for green, so bands can be compared."""
    return BANDS.index(band)


def rag_of(band: str) -> str:
    """Collapse the amber sub-bands to plain amber."""
    return "amber" if band.startswith("amber") else band


def score(framework: Framework, answers: Mapping) -> MaturityResult | QuestionnaireResult:
    """Score any framework by its kind."""
    if framework.kind == "maturity":
        return score_maturity(framework, answers)
    return score_questionnaire(framework, answers)


def _check_keys(framework: Framework, answers: Mapping, answer_type: type) -> None:
    keys = {item.key for item in framework.items()}
    for key, answer in answers.items():
        if key not in keys:
            raise ValueError(f'answer for unknown item "{key}" in {framework.slug}')
        if not isinstance(answer, answer_type):
            raise TypeError(f'answer for "{key}" must be a {answer_type.__name__}')


# Maturity ------------------------------------------------------------------------------------

def score_maturity(framework: Framework, answers: Mapping[str, MaturityAnswer]
                   ) -> MaturityResult:
    """Per-item gaps and per-section and overall stage statistics."""
    if not isinstance(framework.scoring, MaturityRules):
        raise ValueError(f"{framework.slug} is not a maturity framework")
    _check_keys(framework, answers, MaturityAnswer)
    items = tuple(
        _maturity_item(framework, section, item, answers.get(item.key, MaturityAnswer()))
        for section in framework.sections
        for item in section.items
    )
    sections = tuple(
        _stage_summary(framework, section.key, section.heading, section.title, section.items,
                       answers)
        for section in framework.sections
    )
    overall = _stage_summary(framework, None, "Overall", "Overall", list(framework.items()),
                             answers)
    return MaturityResult(items, sections, overall)


def _stage_number(framework: Framework, number: int | None, key: str) -> int | None:
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f'stage for "{key}" must be a whole number')
    if not 1 <= number <= len(framework.stages):
        raise ValueError(f'stage for "{key}" must be from 1 to {len(framework.stages)}')
    return number


def _maturity_item(framework: Framework, section: Section, item: MaturityItem,
                   answer: MaturityAnswer) -> ItemScore:
    current = _stage_number(framework, answer.current, item.key)
    target = _stage_number(framework, answer.target, item.key)
    gap = target - current if current is not None and target is not None else None
    if current is None:
        reason = f"{item.title}: not yet answered"
    elif target is None:
        reason = f"{item.title}: current {framework.stage(current).name}, no target set"
    else:
        gap_text = ("target reached" if gap == 0 else "target below current" if gap < 0
                    else f"gap of {gap} stage{'s' if gap != 1 else ''}")
        reason = (f"{item.title}: current {framework.stage(current).name}, "
                  f"target {framework.stage(target).name} ({gap_text})")
    return ItemScore(item.key, section.key, item.title, current, target, gap, reason)


def _noun(items: Iterable[MaturityItem], count: int) -> str:
    types = {item.type for item in items}
    if types == {"key_area"}:
        return "key area" if count == 1 else "key areas"
    if types == {"enabler"}:
        return "enabler" if count == 1 else "enablers"
    return "key areas and enablers"


def _stage_summary(framework: Framework, key: str | None, heading: str, title: str,
                   items: Sequence[MaturityItem], answers: Mapping[str, MaturityAnswer]
                   ) -> StageSummary:
    rules = framework.scoring
    stages = [answers[i.key].current for i in items
              if i.key in answers and answers[i.key].current is not None]
    missing = tuple(i.key for i in items if i.key not in answers or answers[i.key].current is None)
    mature = next(s.number for s in framework.stages if s.key == rules.mature_stage)
    noun = _noun(items, len(stages))
    if not stages:
        return StageSummary(key, title, 0, len(items), missing, None, None, 0, None,
                            (f"{heading}: no {_noun(items, 0)} answered yet",))
    median = sorted(stages)[(len(stages) - 1) // 2]
    mean = statistics.fmean(stages)
    at_mature = sum(1 for stage in stages if stage >= mature)
    share = round(100 * at_mature / len(stages), 1)
    lines = {
        "median": f"{heading}: median stage {framework.stage(median).name} across "
                  f"{len(stages)} {noun}",
        "mean": f"{heading}: mean stage {round(mean, 2):g} across {len(stages)} {noun}",
    }
    reasons = [lines[name] for name in rules.roll_up]
    mature_name = framework.stage(mature).name
    reasons.append(f"{heading}: {at_mature} of {len(stages)} {noun} at {mature_name} or above "
                   f"({share:g}%)")
    if missing:
        reasons.append(f"{heading}: {len(missing)} not yet answered ({', '.join(missing)})")
    return StageSummary(key, title, len(stages), len(items), missing, median, mean, at_mature,
                        share, tuple(reasons))


# Questionnaire -------------------------------------------------------------------------------

def score_questionnaire(framework: Framework, answers: Mapping[str, QuestionAnswer]
                        ) -> QuestionnaireResult:
    """Per-question points, section and overall percentages, bands and critical caps."""
    rules = framework.scoring
    if not isinstance(rules, QuestionnaireRules):
        raise ValueError(f"{framework.slug} is not a questionnaire framework")
    _check_keys(framework, answers, QuestionAnswer)
    questions: list[QuestionScore] = []
    sections = []
    for section in framework.sections:
        scores = [_question(section.key, q, answers.get(q.key, QuestionAnswer()))
                  for q in section.items]
        questions.extend(scores)
        sections.append(_rag(rules, section.key, f"Section {section.title}", section.title,
                             scores, rules.section_cap, "is"))
    overall = _rag(rules, None, "Overall", "Overall", questions, rules.overall_cap,
                   "rating is")
    return QuestionnaireResult(tuple(questions), tuple(sections), overall)


def _is_answered(question: Question, answer: QuestionAnswer) -> bool:
    if answer.not_applicable:
        if not question.allow_na:
            raise ValueError(f'question "{question.key}" cannot be answered not applicable')
        return True
    if isinstance(answer.value, str) and question.type == "free_text":
        return bool(answer.value.strip())
    return answer.value is not None


def _raw_points(question: Question, value: object) -> tuple[float, str]:
    """Raw points and the label shown for an answer; ``ValueError`` for an impossible answer."""
    if question.type == "multiple_choice":
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise TypeError(f'answer to "{question.key}" must be a list of option values')
        if len(set(value)) != len(value):
            raise ValueError(f'answer to "{question.key}" repeats an option')
        chosen = [_option(question, v) for v in value]
        total = min(sum(o.points for o in chosen), question.top_points)
        return total, ", ".join(o.label for o in chosen) or "None selected"
    chosen = _option(question, value)
    return chosen.points, chosen.label


def _option(question: Question, value: object):
    option = question.option(value) if isinstance(value, str) else None
    if option is None:
        raise ValueError(f'"{value}" is not an option of question "{question.key}"')
    return option


def _question(section_key: str, q: Question, answer: QuestionAnswer) -> QuestionScore:
    name = f"{q.key} ({q.title})"
    answered = _is_answered(q, answer)
    if not answered or answer.not_applicable or not q.scored:
        label, reason = _unscored_label(q, answer, answered, name)
        return QuestionScore(q.key, section_key, q.title, answered, answer.not_applicable,
                             q.scored, q.required, q.critical, False, label, None, None, None,
                             reason)
    raw, label = _raw_points(q, answer.value)
    failed = q.critical and raw <= q.lowest_points
    points, top = raw * q.weight, q.top_points * q.weight
    percent = round(100 * raw / q.top_points, 1)
    reason = f"{name}: {label}, {points:g} of {top:g} points" + (" (critical)" if failed else "")
    return QuestionScore(q.key, section_key, q.title, True, False, True, q.required, q.critical,
                         failed, label, points, top, percent, reason)


def _unscored_label(q: Question, answer: QuestionAnswer, answered: bool, name: str
                    ) -> tuple[str | None, str]:
    """Label and reason for an unanswered, not applicable or unscored (number, text) answer."""
    if not answered:
        return None, f"{name}: not answered"
    if answer.not_applicable:
        return "Not applicable", f"{name}: not applicable"
    value = answer.value
    if q.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f'answer to "{q.key}" must be a number')
        return f"{value:g}", f"{name}: answered, not scored"
    if not isinstance(value, str):
        raise TypeError(f'answer to "{q.key}" must be text')
    return value, f"{name}: answered, not scored"


def _failure_phrase(score: QuestionScore) -> str:
    answer = (f"was answered {score.answer_label}" if score.answer_label != "None selected"
              else "scored no points")
    return f"critical question {score.key} ({score.title}) {answer}"


def _rag(rules: QuestionnaireRules, key: str | None, heading: str, title: str,
         scores: Sequence[QuestionScore], cap: str, verb: str) -> RagScore:
    counted = [s for s in scores if s.points is not None]
    points = sum(s.points for s in counted)
    top = sum(s.max_points for s in counted)
    failures = tuple(s for s in scores if s.critical_failure)
    missing = tuple(s.key for s in scores if not s.answered and s.required)
    not_applicable = tuple(s.key for s in scores if s.not_applicable)
    percent = round(100 * points / top, 1) if top > 0 else None
    uncapped = rules.band_for(percent) if percent is not None else None
    band = uncapped
    if failures and band is not None and band_rank(band) > band_rank(cap):
        band = cap
    reasons = []
    if percent is None:
        reasons.append(f"{heading}: no scored answers yet")
    else:
        reasons.append(f"{heading} scored {percent:g}%: {points:g} of {top:g} weighted points "
                       f"from {len(counted)} answered question{'s' if len(counted) != 1 else ''}")
    for failure in failures:
        phrase = _failure_phrase(failure)
        if band is None:
            reasons.append(f"{heading}: {phrase}")
        elif band_rank(uncapped) > band_rank(cap):
            reasons.append(f"{heading} {verb} {_shown(band, key)} because {phrase}")
        else:
            reasons.append(f"{heading} {verb} {_shown(band, key)}; {phrase}, which caps it at "
                           f"{_shown(cap, key)}")
    if band is not None and not failures:
        reasons.append(f"{heading} {verb} {_shown(band, key)}")
    if not_applicable:
        reasons.append(f"{heading}: {len(not_applicable)} not applicable, left out of the score "
                       f"({', '.join(not_applicable)})")
    if missing:
        reasons.append(f"{heading}: {len(missing)} required not yet answered "
                       f"({', '.join(missing)})")
    return RagScore(key, title, points, top, percent, band, rag_of(band) if band else None,
                    sum(1 for s in scores if s.answered), len(scores), missing, not_applicable,
                    tuple(f.key for f in failures), tuple(reasons))


def _shown(band: str, key: str | None) -> str:
    """Sections show plain red/amber/green; the overall rating shows the amber sub-band."""
    return band_label(band) if key is None else rag_of(band)


def weakest_answers(result: QuestionnaireResult, n: int = 5) -> list[QuestionScore]:
    """The lowest-scoring answered questions, critical failures first, for improvement actions.

    Questions at full marks need no action and are left out; ties keep framework order.
    """
    order = {score.key: index for index, score in enumerate(result.questions)}
    candidates = [s for s in result.questions
                  if s.percent is not None and s.percent < 100 and s.max_points]
    candidates.sort(key=lambda s: (not s.critical_failure, s.percent, not s.critical,
                                   -s.max_points, order[s.key]))
    return candidates[:n]
