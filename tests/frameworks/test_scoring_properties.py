"""Property-based checks of scoring, on the shipped cyber framework and generated ones."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodmaturity.frameworks import SHIPPED_FRAMEWORKS_DIR as SHIPPED
from prodmaturity.frameworks import Framework, Question, load_framework_file
from prodmaturity.frameworks.model import BANDS
from prodmaturity.scoring import (
    MaturityAnswer,
    QuestionAnswer,
    band_rank,
    score_maturity,
    score_questionnaire,
)

CYBER = load_framework_file(SHIPPED / "cyber-stocktake-2018.yaml")
NPS = load_framework_file(SHIPPED / "nps-2018.yaml")
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# Generated frameworks --------------------------------------------------------------------------

@st.composite
def questions(draw, key: str) -> dict:
    kind = draw(st.sampled_from(["single_choice", "yes_no_partly", "multiple_choice", "number"]))
    question = {"key": key, "type": kind, "text": f"Question {key}?",
                "weight": draw(st.sampled_from([0, 0.5, 1, 2, 3])),
                "allow_na": draw(st.booleans())}
    if kind == "number":
        return question
    question["critical"] = draw(st.booleans())
    if kind != "yes_no_partly":
        points = draw(st.lists(st.integers(0, 5), min_size=2, max_size=5).filter(any))
        question["options"] = [{"value": f"o{i}", "label": f"Option {i}", "points": p}
                               for i, p in enumerate(points)]
    return question


@st.composite
def questionnaires(draw) -> Framework:
    limits = sorted(draw(st.sets(st.integers(1, 99), min_size=4, max_size=4)))
    sections = []
    for s in range(draw(st.integers(1, 3))):
        count = draw(st.integers(1, 4))
        sections.append({"key": f"s{s}", "title": f"Section {s}",
                         "items": [draw(questions(f"Q{s}{i}")) for i in range(count)]})
    return Framework.from_dict({
        "slug": "generated", "version": "1", "title": "Generated", "kind": "questionnaire",
        "sections": sections,
        "scoring": {
            "rag": {"thresholds": {"red_below": limits[0], "green_from": limits[3]},
                    "amber_bands": {"amber_red_below": limits[1],
                                    "amber_green_from": limits[2]}},
            "critical": {"section_cap": draw(st.sampled_from(BANDS)),
                         "overall_cap": draw(st.sampled_from(BANDS))},
        },
    })


@st.composite
def maturity_frameworks(draw) -> Framework:
    stage_count = draw(st.integers(2, 6))
    stages = [{"key": f"st{n}", "name": f"Stage {n}"} for n in range(1, stage_count + 1)]
    descriptors = {stage["key"]: "Text." for stage in stages}
    sections = [{"key": f"s{s}", "title": f"Section {s}", "items": [
        {"key": f"k{s}{i}", "type": draw(st.sampled_from(["key_area", "enabler"])),
         "title": f"Item {s}{i}", "definition": "D.", "what_it_is": "W.",
         "why_it_matters": "Y.", "descriptors": descriptors}
        for i in range(draw(st.integers(1, 4)))]} for s in range(draw(st.integers(1, 3)))]
    return Framework.from_dict({
        "slug": "generated-maturity", "version": "1", "title": "Generated", "kind": "maturity",
        "stages": stages, "sections": sections,
        "scoring": {"mature_stage": draw(st.sampled_from(stages))["key"]},
    })


def answer_for(draw, question: Question) -> QuestionAnswer:
    choices = ["none", "answer"] + (["na"] if question.allow_na else [])
    choice = draw(st.sampled_from(choices))
    if choice == "none":
        return QuestionAnswer()
    if choice == "na":
        return QuestionAnswer(not_applicable=True)
    values = [option.value for option in question.options]
    if question.type == "multiple_choice":
        return QuestionAnswer(draw(st.lists(st.sampled_from(values), unique=True)))
    if question.type == "number":
        return QuestionAnswer(draw(st.integers(0, 100)))
    if question.type == "free_text":
        return QuestionAnswer(draw(st.sampled_from(["", "Some text"])))
    return QuestionAnswer(draw(st.sampled_from(values)))


@st.composite
def answers_for(draw, framework: Framework) -> dict:
    return {question.key: answer_for(draw, question) for question in framework.items()}


def draw_answers(data, framework: Framework) -> dict:
    return data.draw(answers_for(framework))


any_questionnaire = st.one_of(st.just(CYBER), questionnaires())


def improve(framework: Framework, answers: dict, data) -> tuple[str, dict] | None:
    """Raise one answered scored question's points, or return None if nothing can improve."""
    candidates = [q for q in framework.items()
                  if q.scored and answers[q.key].value is not None
                  and not answers[q.key].not_applicable]
    if not candidates:
        return None
    question = data.draw(st.sampled_from(candidates))
    current = answers[question.key].value
    if question.type == "multiple_choice":
        extra = [o.value for o in question.options if o.value not in current]
        better = current + data.draw(st.lists(st.sampled_from(extra), unique=True)) \
            if extra else current
    else:
        points = question.option(current).points
        better = data.draw(st.sampled_from(
            [o.value for o in question.options if o.points >= points]))
    return question.key, {**answers, question.key: QuestionAnswer(better)}


def rag_scores(result):
    return (*result.sections, result.overall)


# Questionnaire properties ----------------------------------------------------------------------

@PROPERTY
@given(any_questionnaire, st.data())
def test_improving_an_answer_never_lowers_a_score(framework, data):
    answers = draw_answers(data, framework)
    improved = improve(framework, answers, data)
    if improved is None:
        return
    before = score_questionnaire(framework, answers)
    after = score_questionnaire(framework, improved[1])
    for old, new in zip(rag_scores(before), rag_scores(after), strict=True):
        assert new.points >= old.points and new.max_points == old.max_points
        assert (old.percent is None) == (new.percent is None)
        if old.percent is not None:
            assert new.percent >= old.percent
            assert band_rank(new.band) >= band_rank(old.band)


@PROPERTY
@given(any_questionnaire, st.data())
def test_not_applicable_leaves_the_denominator(framework, data):
    answers = draw_answers(data, framework)
    optional = [q for q in framework.items() if q.allow_na and q.scored]
    if not optional:
        return
    question = data.draw(st.sampled_from(optional))
    with_na = score_questionnaire(framework, {**answers,
                                              question.key: QuestionAnswer(not_applicable=True)})
    unanswered = score_questionnaire(framework, {**answers, question.key: QuestionAnswer()})
    answered = score_questionnaire(framework, {
        **answers, question.key: QuestionAnswer(question.options[0].value
                                                if question.type != "multiple_choice" else [])})
    for na, blank, full in zip(rag_scores(with_na), rag_scores(unanswered),
                               rag_scores(answered), strict=True):
        assert (na.points, na.max_points, na.percent) == (blank.points, blank.max_points,
                                                          blank.percent)
        if na.key in (None, framework.section_of(question.key).key):
            assert full.max_points == na.max_points + question.top_points * question.weight


@PROPERTY
@given(any_questionnaire, st.data())
def test_critical_failures_always_cap(framework, data):
    result = score_questionnaire(framework, draw_answers(data, framework))
    rules = framework.scoring
    for section in result.sections:
        if section.critical_failures and section.band is not None:
            assert band_rank(section.band) <= band_rank(rules.section_cap)
    if result.overall.critical_failures and result.overall.band is not None:
        assert band_rank(result.overall.band) <= band_rank(rules.overall_cap)
    failed = {q.key for q in result.questions if q.critical_failure}
    assert failed == set(result.overall.critical_failures)


@PROPERTY
@given(any_questionnaire, st.data())
def test_results_are_deterministic_and_bounded(framework, data):
    answers = draw_answers(data, framework)
    result = score_questionnaire(framework, answers)
    assert result == score_questionnaire(framework, dict(reversed(list(answers.items()))))
    for area in rag_scores(result):
        if area.max_points == 0:
            assert area.percent is None and area.band is None
        else:
            assert 0 <= area.percent <= 100
    for question in result.questions:
        assert question.percent is None or 0 <= question.percent <= 100


# Maturity properties ---------------------------------------------------------------------------

def draw_stages(data, framework: Framework) -> dict:
    stage = st.one_of(st.none(), st.integers(1, len(framework.stages)))
    return {item.key: MaturityAnswer(data.draw(stage), data.draw(stage))
            for item in framework.items()}


def stage_scores(result):
    return (*result.sections, result.overall)


@PROPERTY
@given(st.one_of(st.just(NPS), maturity_frameworks()), st.data())
def test_raising_a_current_stage_never_lowers_maturity(framework, data):
    answers = draw_stages(data, framework)
    raisable = [k for k, a in answers.items()
                if a.current is not None and a.current < len(framework.stages)]
    if not raisable:
        return
    key = data.draw(st.sampled_from(raisable))
    higher = data.draw(st.integers(answers[key].current + 1, len(framework.stages)))
    before = score_maturity(framework, answers)
    after = score_maturity(framework, {**answers, key: replace(answers[key], current=higher)})
    for old, new in zip(stage_scores(before), stage_scores(after), strict=True):
        assert new.answered == old.answered
        if old.answered:
            assert new.median >= old.median and new.mean >= old.mean
            assert new.mature_percent >= old.mature_percent


@PROPERTY
@given(st.one_of(st.just(NPS), maturity_frameworks()), st.data())
def test_unanswered_items_are_missing_not_zero(framework, data):
    answers = draw_stages(data, framework)
    result = score_maturity(framework, answers)
    assert result == score_maturity(framework, dict(reversed(list(answers.items()))))
    answered = [a.current for a in answers.values() if a.current is not None]
    assert result.overall.answered == len(answered)
    assert len(result.overall.missing) == len(answers) - len(answered)
    if answered:
        assert min(answered) <= result.overall.median <= max(answered)
        assert 1 <= result.overall.mean <= len(framework.stages)
        assert 0 <= result.overall.mature_percent <= 100
    else:
        assert result.overall.median is None and result.overall.mature_percent is None
