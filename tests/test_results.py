"""Results: stored scores, profiles (hand-computed), comparisons and their threshold, history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.assessments import results
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, Council, Response, SectionResult
from tests.factories import load_shipped_framework, make_council, make_round

NPS = "nps-2018"
CYBER = "cyber-stocktake-2018"

# Current and target stage per NPS item for the fixture council.
NPS_ANSWERS = {
    # Showing leadership: currents 2, 3, 2, 1
    "engaging-councillors": (2, 3),
    "engaging-senior-managers": (3, 3),
    "working-with-partners": (2, 4),
    "engaging-strategic-suppliers": (1, 2),
    # Behaving commercially: currents 3, 4, 2
    "creating-commercial-opportunities": (3, 4),
    "managing-contracts-and-relationships": (4, 4),
    "managing-strategic-risk": (2, 3),
    # Achieving community benefits: currents 1, 2, 2
    "obtaining-social-value": (1, 2),
    "engaging-local-smes": (2, 2),
    "enabling-vcse-engagement": (2, 3),
    # Enablers: currents 3, 2, 1, 5
    "developing-talent": (3, 3),
    "exploiting-digital-technology": (2, 4),
    "enabling-innovation": (1, 1),
    "embedding-change": (5, 5),
}

CYBER_ANSWERS: dict[str, Any] = {
    "L1": "yes",  # weight 2, critical: 3 x 2 = 6 of 6
    "L2": "yearly",  # 2 of 3
    "L4": "partly",  # yes/no/partly: 1 of 2
    "L9": 3,  # number: answered, not scored
    "G8": None,  # not applicable (set below): leaves the denominator
    "G9": ["acceptable_use", "passwords"],  # multiple choice: 2 of 4
    "A1": "partly",  # Partly in place: 2 of 3
    "A2": "no",  # weight 2, critical, lowest: 0 of 6, a critical failure
}


def add_responses(assessment: Assessment, framework: Any, answers: dict[str, Any]) -> None:
    for key, value in answers.items():
        section = framework.section_of(key).key
        if framework.kind == "maturity":
            current, target = value
            row = Response(assessment_id=assessment.id, section_key=section, item_key=key,
                           current_stage=current, target_stage=target)
        else:
            row = Response(assessment_id=assessment.id, section_key=section, item_key=key,
                           answer=value, not_applicable=value is None)
        db.session.add(row)
    db.session.flush()


def assessment_of(round_: Any, council: Council) -> Assessment:
    return db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id,
                                                         Assessment.council_id == council.id))


def answer(round_: Any, council: Council, answers: dict[str, Any], status: str) -> Assessment:
    """Save answers and set the status; counted statuses get stored results, as submit does."""
    assessment = assessment_of(round_, council)
    add_responses(assessment, round_.framework_version.framework, answers)
    assessment.status = status
    if status in ("submitted", "accepted"):
        results.compute_and_store(assessment)
    db.session.commit()
    return assessment


@pytest.fixture
def nps(app: Flask) -> Any:
    return load_shipped_framework(NPS)


@pytest.fixture
def cyber(app: Flask) -> Any:
    return load_shipped_framework(CYBER)


def test_nps_profile_by_hand(councils: dict[str, Council], nps: Any) -> None:
    round_ = make_round(nps, [councils["a"]])
    assessment = answer(round_, councils["a"], NPS_ANSWERS, "submitted")

    # Overall currents sorted: 1,1,1,2,2,2,2,2,2,3,3,3,4,5; lower median (index 6) is 2;
    # sum 33 / 14 = 2.357; at Mature (3) or above: 5 of 14 = 35.7%.
    assert assessment.overall_median_stage == 2
    assert assessment.overall_mean_stage == pytest.approx(33 / 14)
    assert assessment.share_mature == 35.7
    assert assessment.overall_percent is None and assessment.critical_failures is None
    stored = {r.section_key: r for r in db.session.scalars(sa.select(SectionResult))}
    # Showing leadership 1,2,2,3: median 2, mean 2, 1 of 4 mature.
    assert (stored["showing-leadership"].median_stage, stored["showing-leadership"].mean_stage,
            stored["showing-leadership"].share_mature) == (2, 2.0, 25.0)
    # Behaving commercially 2,3,4: median 3, mean 3, 2 of 3 mature.
    assert (stored["behaving-commercially"].median_stage,
            stored["behaving-commercially"].share_mature) == (3, 66.7)
    # Community benefits 1,2,2: median 2, mean 5/3, none mature.
    assert stored["achieving-community-benefits"].mean_stage == pytest.approx(5 / 3)
    # Enablers 1,2,3,5: lower median 2, mean 2.75, 2 of 4 mature.
    assert (stored["enablers"].median_stage, stored["enablers"].mean_stage,
            stored["enablers"].share_mature) == (2, 2.75, 50.0)

    page = results.profile(assessment)
    assert not page.draft and page.complete and page.missing == 0
    assert page.overall_stage is not None and page.overall_stage.median_name == "Developing"
    assert [t.median_name for t in page.themes] == ["Developing", "Mature", "Developing",
                                                    "Developing"]
    councillors = page.items[0]
    assert (councillors.current_name, councillors.target_name, councillors.gap) == (
        "Developing", "Mature", 1)
    # What the next stage asks: the next stage's descriptor, for items below their target only.
    assert councillors.next_stage_asks == ("Councillor involvement leads to better results on "
                                           "some projects.")
    assert [i.key for i in page.next_steps] == [
        "engaging-councillors", "working-with-partners", "engaging-strategic-suppliers",
        "creating-commercial-opportunities", "managing-strategic-risk",
        "obtaining-social-value", "enabling-vcse-engagement", "exploiting-digital-technology"]
    assert page.items[-1].next_stage_name is None  # Innovator has no next stage
    assert "Overall: median stage Developing across 14 key areas and enablers" in page.reasons


def test_compute_and_store_replaces_old_results(councils: dict[str, Council], nps: Any) -> None:
    round_ = make_round(nps, [councils["a"]])
    assessment = answer(round_, councils["a"], NPS_ANSWERS, "submitted")
    results.compute_and_store(assessment)
    results.compute_and_store(assessment)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SectionResult)) == 4
    assert assessment.result is not None and assessment.result["kind"] == "maturity"


def test_cyber_profile_by_hand(councils: dict[str, Council], cyber: Any) -> None:
    round_ = make_round(cyber, [councils["a"]])
    assessment = answer(round_, councils["a"], CYBER_ANSWERS, "submitted")

    # Leadership 6+2+1 = 9 of 11 = 81.8% green. Governance: G8 n/a, G9 2 of 4 = 50% amber.
    # Training: A1 2 of 3, A2 0 of 6 = 2 of 9 = 22.2% red (and capped at red by A2).
    # Overall 13 of 24 = 54.2% amber; A2's failure caps at amber-green, which is higher.
    assert assessment.overall_percent == 54.2
    assert assessment.overall_band == "amber"
    assert assessment.critical_failures == 1
    page = results.profile(assessment)
    assert not page.draft and not page.complete  # most questions unanswered
    sections = {s.key: s for s in page.sections}
    assert (sections["leadership"].percent, sections["leadership"].band) == (81.8, "green")
    assert (sections["governance"].percent, sections["governance"].rag) == (50.0, "amber")
    assert (sections["training"].percent, sections["training"].band) == (22.2, "red")
    assert sections["training"].critical_failures == ("Yearly refresher training",)
    assert sections["technology"].percent is None
    assert page.overall_rag is not None and page.overall_rag.band_label == "Amber"
    assert [g.key for g in page.critical_gaps] == ["A2"]
    # Weakest first: the critical failure, then 50% (G9 before L4: more points at stake),
    # then 66.7% in framework order.
    assert [a.key for a in page.actions] == ["A2", "G9", "L4", "L2", "A1"]
    assert page.actions[0].best_label == "Fully in place"
    assert page.actions[0].answer_label == "No"
    assert ("Overall rating is amber; critical question A2 (Yearly refresher training) was "
            "answered No, which caps it at amber-green") in page.reasons


def test_draft_profile_is_computed_on_the_fly(councils: dict[str, Council], cyber: Any) -> None:
    round_ = make_round(cyber, [councils["a"]])
    assessment = answer(round_, councils["a"], {"L1": "yes", "L2": "never"}, "in_progress")
    page = results.profile(assessment)
    # Leadership 6 + 0 of 9 = 66.7%: amber-green, shown as amber in the section.
    assert page.draft and page.status_label == "In progress"
    assert page.overall_rag is not None and page.overall_rag.percent == 66.7
    assert page.overall_rag.band == "amber_green"
    assert assessment.result is None  # nothing stored for a draft


def stage_answers(framework: Any, stage: int) -> dict[str, Any]:
    return {item.key: (stage, min(stage + 1, 5)) for item in framework.items()}


def five_districts() -> list[Council]:
    return [make_council(f"E0700010{n}", f"District {n} Council", "district", "North West")
            for n in range(1, 5)]


def test_comparisons_need_five_councils(councils: dict[str, Council], nps: Any) -> None:
    a, b = councils["a"], councils["b"]  # a: district, North West; b: unitary
    others = five_districts()
    round_ = make_round(nps, [a, b, *others])
    framework = nps.framework
    stages = (1, 2, 3, 3)
    for council, stage in zip(others, stages, strict=True):
        answer(round_, council, stage_answers(framework, stage), "submitted")
    # In progress, even with results stored, never counts.
    mine = answer(round_, a, stage_answers(framework, 4), "in_progress")
    answer(round_, b, stage_answers(framework, 5), "in_progress")
    results.compute_and_store(assessment_of(round_, b))
    db.session.commit()

    groups = {g.key: g for g in results.comparisons(mine).groups}
    assert groups["type"].councils == 4 and not groups["type"].shown
    assert groups["type"].hidden_reason == (
        "Fewer than 5 councils of this type have submitted, so their figures are not shown to "
        "protect confidentiality")
    assert not groups["national"].shown and not groups["region"].shown
    assert groups["type"].sections == () and groups["type"].average_mean_stage is None

    mine.status = "submitted"
    results.compute_and_store(mine)
    db.session.commit()
    groups = {g.key: g for g in results.comparisons(mine).groups}
    for key in ("national", "region", "type"):
        group = groups[key]
        # Stages 1, 2, 3, 3, 4: lower median 3, mean 2.6, 3 of 5 at Mature = 60%.
        assert (group.shown, group.councils, group.median_stage) == (True, 5, 3)
        assert group.average_mean_stage == 2.6 and group.share_mature == 60.0
        assert group.counts == {"1": 1, "2": 1, "3": 2, "4": 1}
        assert [s.median_stage for s in group.sections] == [3, 3, 3, 3]
        assert group.sections[0].counts == {"1": 1, "2": 1, "3": 2, "4": 1}
    assert groups["type"].label == "District councils"
    assert groups["region"].label == "Councils in North West"


def test_questionnaire_comparison_figures(councils: dict[str, Council], cyber: Any) -> None:
    others = five_districts()
    round_ = make_round(cyber, [councils["a"], *others])
    for council, value in zip([councils["a"], *others], ["no", "planned", "partly", "yes", "yes"],
                              strict=True):
        answer(round_, council, {"L1": value}, "accepted")
    group = results.comparisons(assessment_of(round_, councils["a"])).groups[0]
    # L1 alone: 0, 33.3, 66.7, 100, 100 -> average 60; "no" is a critical failure.
    assert group.shown and group.average_percent == 60.0
    assert group.counts == {"red": 2, "amber_green": 1, "green": 2}
    assert group.with_critical_failures == 1
    leadership = group.sections[0]
    assert leadership.key == "leadership" and leadership.average_percent == 60.0
    assert group.sections[1].average_percent is None  # nobody answered governance


def test_history_across_two_rounds_in_one_query(app: Flask, councils: dict[str, Council],
                                                nps: Any, cyber: Any) -> None:
    a = councils["a"]
    framework = nps.framework
    first = make_round(nps, [a], title="NPS 2018", opens_on=date(2018, 7, 1),
                       closes_on=date(2018, 9, 30))
    second = make_round(nps, [a], title="NPS 2019", opens_on=date(2019, 7, 1),
                        closes_on=date(2019, 9, 30))
    current = make_round(nps, [a], title="NPS now")
    other = make_round(cyber, [a], title="Cyber 2019", opens_on=date(2019, 7, 1),
                       closes_on=date(2019, 9, 30))
    answer(first, a, stage_answers(framework, 2), "submitted")
    answer(second, a, stage_answers(framework, 3), "accepted")
    answer(current, a, stage_answers(framework, 4), "in_progress")
    answer(other, a, {"L1": "yes"}, "accepted")

    db.session.refresh(a)
    db.session.refresh(current)  # loaded now, so only history's own query is counted
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        entries = results.history(a, NPS, before=current)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert [e.round_title for e in entries] == ["NPS 2018", "NPS 2019"]
    assert [e.overall_median_stage for e in entries] == [2, 3]
    assert entries[1].status_label == "Accepted"
    assert entries[0].sections["enablers"].median_stage == 2
    assert [e.round_title for e in results.history(a, NPS)] == ["NPS 2018", "NPS 2019"]


def test_results_page(councils: dict[str, Council], people: dict[str, Any], login_as: Any,
                      cyber: Any) -> None:
    round_ = make_round(cyber, [councils["a"], councils["b"]])
    draft = answer(round_, councils["a"], {"L1": "yes"}, "in_progress")
    url = f"/council/assessments/{draft.id}/results"

    page = login_as(people["officer"]).get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Draft results" in html and "<svg" in html and "style=" not in html
    assert "Fewer than 5 councils have submitted" in html
    assert login_as(people["other_lead"]).get(url).status_code == 404
    assert login_as(people["analyst"]).get(url).status_code == 403
