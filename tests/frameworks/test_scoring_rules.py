"""Hand-computed results, including reason strings, for each scoring rule."""

from __future__ import annotations

import pytest

from prodmaturity.frameworks import parse_framework
from prodmaturity.scoring import (
    MaturityAnswer,
    QuestionAnswer,
    score,
    score_maturity,
    score_questionnaire,
    weakest_answers,
)

QUESTIONNAIRE = parse_framework("""
slug: table-cyber
version: "1"
title: Table cyber
kind: questionnaire
scoring:
  rag:
    thresholds: {red_below: 40, green_from: 75}
    amber_bands: {amber_red_below: 50, amber_green_from: 65}
  critical: {section_cap: red, overall_cap: amber_green}
sections:
  - key: tech
    title: Technology
    items:
      - key: T1
        type: single_choice
        title: Offline backups
        text: Are backups offline and tested?
        weight: 2
        critical: true
        options:
          - {value: "no", label: "No", points: 0}
          - {value: planned, label: Planned, points: 1}
          - {value: partly, label: Partly in place, points: 2}
          - {value: "yes", label: Fully in place, points: 3}
      - key: T2
        type: yes_no_partly
        text: PSN certificate current?
        allow_na: true
      - key: T3
        type: multiple_choice
        text: Services used?
        options:
          - {value: a, label: A, points: 1}
          - {value: b, label: B, points: 1}
          - {value: c, label: C, points: 1}
        max_points: 2
  - key: people
    title: People
    items:
      - key: A1
        type: yes_no_partly
        text: Staff trained?
      - key: A2
        type: number
        text: How many exercises?
        required: false
      - key: A3
        type: single_choice
        text: Councillors trained?
        weight: 3
        allow_na: true
        options:
          - {value: none, label: None, points: 0}
          - {value: some, label: Some, points: 1}
          - {value: all, label: All, points: 4}
""", "table-cyber")


def _area(key: str, kind: str) -> str:
    return f"""
      - key: {key}
        type: {kind}
        title: Area {key}
        definition: D.
        what_it_is: W.
        why_it_matters: Y.
        descriptors: {{low: L., mid: M., good: G., top: T.}}"""


MATURITY = parse_framework(f"""
slug: table-maturity
version: "1"
title: Table maturity
kind: maturity
stages:
  - {{key: low, name: Low}}
  - {{key: mid, name: Mid}}
  - {{key: good, name: Good}}
  - {{key: top, name: Top}}
scoring:
  roll_up: [median, mean]
  mature_stage: good
sections:
  - key: lead
    title: Leading
    label: Theme
    items:{"".join(_area(key, "key_area") for key in ("k1", "k2", "k3", "k4"))}
  - key: enable
    title: Enablers
    label: ""
    items:{"".join(_area(key, "enabler") for key in ("e1", "e2"))}
""", "table-maturity")


def qa(value=None, na=False):
    return QuestionAnswer(value, not_applicable=na)


# Questionnaire -------------------------------------------------------------------------------

def test_weighted_percentages_and_amber_boundary():
    result = score_questionnaire(QUESTIONNAIRE, {
        "T1": qa("partly"), "T2": qa("yes"), "T3": qa(["a", "b", "c"]),
        "A1": qa("partly"), "A2": qa(4), "A3": qa("some"),
    })
    tech, people = result.sections
    assert (tech.points, tech.max_points, tech.percent, tech.band, tech.rag) == (
        8, 10, 80.0, "green", "green")
    assert tech.reasons == (
        "Section Technology scored 80%: 8 of 10 weighted points from 3 answered questions",
        "Section Technology is green",
    )
    assert (people.points, people.max_points, people.percent, people.band) == (
        4, 14, 28.6, "red")
    overall = result.overall
    assert (overall.points, overall.max_points, overall.percent, overall.band, overall.rag) == (
        12, 24, 50.0, "amber", "amber")
    assert overall.reasons[-1] == "Overall rating is amber"
    assert result.complete and overall.answered == 6
    by_key = {q.key: q for q in result.questions}
    assert by_key["T1"].reason == "T1 (Offline backups): Partly in place, 4 of 6 points"
    assert by_key["T3"].reason == "T3 (Services used?): A, B, C, 2 of 2 points"
    assert by_key["A2"].reason == "A2 (How many exercises?): answered, not scored"
    assert by_key["A2"].answer_label == "4"


def test_critical_failure_caps_section_and_overall():
    result = score_questionnaire(QUESTIONNAIRE, {
        "T1": qa("no"), "T2": qa("yes"), "T3": qa(["a", "b"]), "A1": qa("yes"), "A3": qa("all"),
    })
    tech, people = result.sections
    assert (tech.percent, tech.band, tech.rag, tech.critical_failures) == (
        40.0, "red", "red", ("T1",))
    assert tech.reasons[1] == ("Section Technology is red because critical question T1 "
                               "(Offline backups) was answered No")
    assert (people.percent, people.band) == (100.0, "green")
    overall = result.overall
    assert (overall.percent, overall.band, overall.rag) == (75.0, "amber_green", "amber")
    assert overall.reasons[1] == ("Overall rating is amber-green because critical question T1 "
                                  "(Offline backups) was answered No")
    assert result.questions[0].reason == "T1 (Offline backups): No, 0 of 6 points (critical)"


def test_critical_failure_when_already_below_the_cap():
    result = score_questionnaire(QUESTIONNAIRE, {"T1": qa("no"), "T2": qa("no"), "T3": qa([])})
    tech = result.sections[0]
    assert (tech.percent, tech.band) == (0.0, "red")
    assert tech.reasons[1] == ("Section Technology is red; critical question T1 (Offline "
                               "backups) was answered No, which caps it at red")
    assert result.overall.reasons[1] == (
        "Overall rating is red; critical question T1 (Offline backups) was answered No, "
        "which caps it at amber-green")


def test_not_applicable_leaves_the_denominator():
    result = score_questionnaire(QUESTIONNAIRE, {
        "T1": qa("yes"), "T2": qa(na=True), "T3": qa([]), "A3": qa(na=True),
    })
    tech, people = result.sections
    assert (tech.points, tech.max_points, tech.percent, tech.band) == (6, 8, 75.0, "green")
    assert tech.not_applicable == ("T2",)
    assert "Section Technology: 1 not applicable, left out of the score (T2)" in tech.reasons
    assert (people.percent, people.band, people.missing) == (None, None, ("A1",))
    assert result.questions[1].reason == "T2 (PSN certificate current?): not applicable"


def test_nothing_answered_gives_none_not_zero():
    result = score_questionnaire(QUESTIONNAIRE, {})
    tech = result.sections[0]
    assert (tech.percent, tech.band, tech.rag) == (None, None, None)
    assert tech.reasons == ("Section Technology: no scored answers yet",
                            "Section Technology: 3 required not yet answered (T1, T2, T3)")
    assert result.overall.missing == ("T1", "T2", "T3", "A1", "A3")
    assert not result.complete


def test_multiple_choice_critical_failure_scores_no_points():
    content = QUESTIONNAIRE.to_dict()
    content["sections"][0]["items"][2]["critical"] = True
    framework = type(QUESTIONNAIRE).from_dict(content)
    result = score_questionnaire(framework, {"T1": qa("yes"), "T3": qa([])})
    assert result.sections[0].critical_failures == ("T3",)
    assert result.sections[0].reasons[1] == ("Section Technology is red because critical "
                                             "question T3 (Services used?) scored no points")


def test_weakest_answers_puts_critical_failures_first():
    answers = {"T1": qa("partly"), "T2": qa("yes"), "T3": qa(["a"]), "A1": qa("partly"),
               "A3": qa("some")}
    result = score_questionnaire(QUESTIONNAIRE, answers)
    assert [q.key for q in weakest_answers(result, 10)] == ["A3", "T3", "A1", "T1"]
    assert [q.key for q in weakest_answers(result, 2)] == ["A3", "T3"]
    failed = score_questionnaire(QUESTIONNAIRE, {**answers, "T1": qa("no")})
    assert [q.key for q in weakest_answers(failed, 2)] == ["T1", "A3"]


@pytest.mark.parametrize(("answers", "error"), [
    ({"X9": qa("yes")}, ValueError),
    ({"T1": qa("maybe")}, ValueError),
    ({"T3": qa(["a", "a"])}, ValueError),
    ({"T3": qa("a")}, TypeError),
    ({"A1": qa(na=True)}, ValueError),
    ({"A2": qa("four")}, TypeError),
    ({"T1": MaturityAnswer(1, 2)}, TypeError),
])
def test_impossible_answers_are_refused(answers, error):
    with pytest.raises(error):
        score_questionnaire(QUESTIONNAIRE, answers)


# Maturity ------------------------------------------------------------------------------------

MATURITY_ANSWERS = {
    "k1": MaturityAnswer(1, 3), "k2": MaturityAnswer(2, 2), "k3": MaturityAnswer(3, 4),
    "k4": MaturityAnswer(4, None), "e1": MaturityAnswer(2, 1), "e2": MaturityAnswer(None, 3),
}


def test_maturity_items_gaps_and_reasons():
    result = score_maturity(MATURITY, MATURITY_ANSWERS)
    assert [(i.key, i.current, i.target, i.gap) for i in result.items] == [
        ("k1", 1, 3, 2), ("k2", 2, 2, 0), ("k3", 3, 4, 1), ("k4", 4, None, None),
        ("e1", 2, 1, -1), ("e2", None, 3, None)]
    assert [i.reason for i in result.items] == [
        "Area k1: current Low, target Good (gap of 2 stages)",
        "Area k2: current Mid, target Mid (target reached)",
        "Area k3: current Good, target Top (gap of 1 stage)",
        "Area k4: current Top, no target set",
        "Area e1: current Mid, target Low (target below current)",
        "Area e2: not yet answered",
    ]


def test_maturity_sections_use_the_lower_median():
    lead, enable = score_maturity(MATURITY, MATURITY_ANSWERS).sections
    assert (lead.median, lead.mean, lead.mature_or_above, lead.mature_percent) == (2, 2.5, 2, 50)
    assert lead.reasons == (
        "Theme Leading: median stage Mid across 4 key areas",
        "Theme Leading: mean stage 2.5 across 4 key areas",
        "Theme Leading: 2 of 4 key areas at Good or above (50%)",
    )
    assert (enable.answered, enable.total, enable.missing) == (1, 2, ("e2",))
    assert enable.reasons == (
        "Enablers: median stage Mid across 1 enabler",
        "Enablers: mean stage 2 across 1 enabler",
        "Enablers: 0 of 1 enabler at Good or above (0%)",
        "Enablers: 1 not yet answered (e2)",
    )


def test_maturity_overall_excludes_unanswered():
    result = score(MATURITY, MATURITY_ANSWERS)
    overall = result.overall
    assert (overall.median, overall.mean, overall.mature_or_above, overall.mature_percent) == (
        2, 2.4, 2, 40.0)
    assert overall.reasons[0] == "Overall: median stage Mid across 5 key areas and enablers"
    assert not result.complete


def test_maturity_with_nothing_answered():
    result = score_maturity(MATURITY, {})
    lead = result.sections[0]
    assert (lead.median, lead.mean, lead.mature_percent) == (None, None, None)
    assert lead.reasons == ("Theme Leading: no key areas answered yet",)


def test_roll_up_order_sets_the_headline():
    content = MATURITY.to_dict()
    content["scoring"]["roll_up"] = ["mean"]
    framework = type(MATURITY).from_dict(content)
    lead = score_maturity(framework, MATURITY_ANSWERS).sections[0]
    assert lead.reasons[0] == "Theme Leading: mean stage 2.5 across 4 key areas"
    assert len(lead.reasons) == 2


@pytest.mark.parametrize(("answer", "error"), [
    (MaturityAnswer(5, None), ValueError),
    (MaturityAnswer(0, None), ValueError),
    (MaturityAnswer(None, 9), ValueError),
    (MaturityAnswer(2.5, None), TypeError),
    (QuestionAnswer("yes"), TypeError),
])
def test_impossible_stages_are_refused(answer, error):
    with pytest.raises(error):
        score_maturity(MATURITY, {"k1": answer})


def test_shipped_reason_example(cyber, nps):
    answers = {q.key: qa(q.options[-1].value) for q in cyber.items()
               if q.type in ("single_choice", "yes_no_partly")}
    answers["T4"] = qa("no")
    tech = score_questionnaire(cyber, answers).sections[3]
    assert tech.reasons[1] == (
        "Section Technology, standards and compliance is red because critical question T4 "
        "(Backups are kept offline and test-restored) was answered No")
    keys = [item.key for item in nps.sections[0].items]
    result = score_maturity(nps, {key: MaturityAnswer(2, 3) for key in keys})
    assert result.sections[0].reasons[0] == (
        "Theme Showing leadership: median stage Developing across 4 key areas")


def test_scoring_refuses_the_wrong_kind_of_framework():
    with pytest.raises(ValueError, match="not a maturity framework"):
        score_maturity(QUESTIONNAIRE, {})
    with pytest.raises(ValueError, match="not a questionnaire framework"):
        score_questionnaire(MATURITY, {})
