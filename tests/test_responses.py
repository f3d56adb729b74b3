"""Saving answers: versions, conflicts, validation, points, audit, carry forward, progress."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from prodmaturity.assessments import history, pages, responses, workflow
from prodmaturity.assessments.responses import AnswerError, AnswerInput, ConflictError
from prodmaturity.extensions import db
from prodmaturity.frameworks.model import MaturityItem
from prodmaturity.models import Assessment, AuditEvent, Response
from prodmaturity.timeutil import today
from tests.factories import load_shipped_framework, make_round


def valid_input(framework: Any, item: Any, variant: int = 0) -> AnswerInput:
    """A valid answer for any item; ``variant`` picks a different one."""
    if isinstance(item, MaturityItem):
        return AnswerInput(current_stage=1 + variant % 5, target_stage=min(5, 2 + variant % 4),
                           comment=f"Comment {variant}")
    if item.type == "multiple_choice":
        return AnswerInput(answer=[o.value for o in item.options[: 1 + variant % 2]])
    if item.scored:
        return AnswerInput(answer=item.options[variant % len(item.options)].value)
    if item.type == "number":
        return AnswerInput(answer=3 + variant)
    return AnswerInput(answer=f"Free text {variant}")


def answer_page(assessment: Assessment, page: Any, user: Any, variant: int = 0) -> list[str]:
    framework = responses.framework_of(assessment)
    current = responses.responses_by_item(assessment)
    versions = {i.key: current[i.key].version if i.key in current else 0 for i in page.items}
    inputs = {i.key: valid_input(framework, i, variant) for i in page.items}
    return responses.save_page(assessment, page.key, inputs, versions, user, today())


def answer_all(assessment: Assessment, user: Any) -> None:
    for page in pages.pages_of(responses.framework_of(assessment)):
        answer_page(assessment, page, user)


@pytest.fixture
def nps(app: Any, councils: dict[str, Any], people: dict[str, Any]) -> Assessment:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"], councils["b"]])
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.round_id == round_.id, Assessment.council_id == councils["a"].id))


@pytest.fixture
def cyber(app: Any, councils: dict[str, Any], people: dict[str, Any]) -> Assessment:
    round_ = make_round(load_shipped_framework("cyber-stocktake-2018"), [councils["a"]])
    return db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id))


def test_pages_one_per_key_area_or_per_section(nps: Assessment, cyber: Assessment) -> None:
    nps_pages = pages.pages_of(responses.framework_of(nps))
    cyber_pages = pages.pages_of(responses.framework_of(cyber))
    assert len(nps_pages) == 14 and nps_pages[0].key == "engaging-councillors"
    assert [p.key for p in cyber_pages] == ["leadership", "governance", "partnerships",
                                            "technology", "training"]
    framework = responses.framework_of(cyber)
    assert pages.next_page(framework, "leadership").key == "governance"
    assert pages.previous_page(framework, "leadership") is None
    assert pages.next_page(framework, "training") is None


def test_save_stores_points_version_and_audit(cyber: Assessment, people: dict) -> None:
    page = pages.page_for(responses.framework_of(cyber), "technology")
    answer_page(cyber, page, people["officer"])
    t4 = db.session.scalar(sa.select(Response).where(Response.item_key == "T4"))
    assert t4.version == 1 and t4.points is not None and t4.max_points is not None
    assert t4.updated_by_id == people["officer"].id
    assert cyber.status == "in_progress"

    changed = answer_page(cyber, page, people["lead"], variant=1)
    db.session.refresh(t4)
    assert "T4" in changed and t4.version == 2 and t4.updated_by_id == people["lead"].id
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "response_changed").order_by(AuditEvent.id)).all()
    t4_events = [e for e in events if e.detail["item_key"] == "T4"]
    assert len(t4_events) == 2
    assert t4_events[0].old_value is None and t4_events[1].old_value == t4_events[0].new_value
    assert t4_events[1].actor_id == people["lead"].id


def test_unchanged_save_writes_nothing(cyber: Assessment, people: dict) -> None:
    page = pages.page_for(responses.framework_of(cyber), "training")
    answer_page(cyber, page, people["officer"])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert answer_page(cyber, page, people["officer"]) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_stale_version_is_refused_with_both_sides(nps: Assessment, people: dict) -> None:
    framework = responses.framework_of(nps)
    page = pages.page_for(framework, "engaging-councillors")
    answer_page(nps, page, people["officer"])  # both opened the page at version 0
    mine = AnswerInput(current_stage=4, target_stage=5, comment="Mine")
    with pytest.raises(ConflictError) as caught:
        responses.save_page(nps, page.key, {page.key: mine}, {page.key: 0}, people["lead"],
                            today())
    conflict = caught.value.conflicts[0]
    assert conflict.changed_by == people["officer"].name
    assert "Current stage: Minimum" in conflict.theirs
    assert "Current stage: Leader" in conflict.yours and "Mine" in conflict.yours
    assert caught.value.versions == {page.key: 1}
    stored = db.session.scalar(sa.select(Response).where(Response.item_key == page.key))
    assert stored.current_stage == 1 and stored.version == 1
    # Having seen the conflict, the second person saves over the current version.
    responses.save_page(nps, page.key, {page.key: mine}, caught.value.versions, people["lead"],
                        today())
    db.session.refresh(stored)
    assert stored.current_stage == 4 and stored.version == 2


def test_same_answer_from_both_is_not_a_conflict(nps: Assessment, people: dict) -> None:
    framework = responses.framework_of(nps)
    page = pages.page_for(framework, "engaging-councillors")
    answer_page(nps, page, people["officer"])
    same = valid_input(framework, page.items[0])
    assert responses.save_page(nps, page.key, {page.key: same}, {page.key: 0}, people["lead"],
                               today()) == []


@pytest.mark.parametrize("bad", [
    AnswerInput(current_stage=6), AnswerInput(current_stage=0), AnswerInput(target_stage=-1),
    AnswerInput(current_stage=True), AnswerInput(comment="x" * 2001),
])
def test_bad_maturity_answers_are_refused(nps: Assessment, people: dict, bad: AnswerInput
                                          ) -> None:
    key = "engaging-councillors"
    with pytest.raises(AnswerError):
        responses.save_page(nps, key, {key: bad}, {key: 0}, people["officer"], today())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert nps.status == "not_started"


@pytest.mark.parametrize(("key", "bad"), [
    ("L1", AnswerInput(answer="maybe")), ("L1", AnswerInput(answer=["yes"])),
    ("L1", AnswerInput(not_applicable=True)),  # L1 does not allow "not applicable"
    ("G9", AnswerInput(answer=["acceptable_use", "hacked"])),
    ("G9", AnswerInput(answer=["passwords", "passwords"])),
    ("L9", AnswerInput(answer="lots")), ("L9", AnswerInput(answer=float("inf"))),
])
def test_tampered_question_answers_are_refused(cyber: Assessment, people: dict, key: str,
                                               bad: AnswerInput) -> None:
    page = pages.page_of_item(responses.framework_of(cyber), key)
    with pytest.raises(AnswerError):
        responses.save_page(cyber, page.key, {key: bad}, {}, people["officer"], today())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_item_from_another_page_is_refused(cyber: Assessment, people: dict) -> None:
    with pytest.raises(AnswerError):
        responses.save_page(cyber, "leadership", {"T4": AnswerInput(answer="yes")}, {},
                            people["officer"], today())


def test_not_applicable_and_none_of_these(cyber: Assessment, people: dict) -> None:
    framework = responses.framework_of(cyber)
    page = pages.page_of_item(framework, "G8")
    responses.save_page(cyber, page.key, {"G8": AnswerInput(not_applicable=True),
                                          "G9": AnswerInput(answer=[])}, {}, people["officer"],
                        today())
    g8 = db.session.scalar(sa.select(Response).where(Response.item_key == "G8"))
    g9 = db.session.scalar(sa.select(Response).where(Response.item_key == "G9"))
    assert g8.not_applicable and g8.points is None
    assert g9.answer == [] and g9.points == 0 and responses.is_answered(framework.item("G9"), g9)


def test_progress_and_missing_items(cyber: Assessment, people: dict) -> None:
    framework = responses.framework_of(cyber)
    assert {row.status for row in responses.section_progress(cyber)} == {"Not started"}
    required = [i for i in framework.items() if responses.is_required(i)]
    assert len(responses.missing_items(cyber)) == len(required)
    answer_page(cyber, pages.page_for(framework, "leadership"), people["officer"])
    leadership = responses.section_progress(cyber)[0]
    assert leadership.status == "Completed"
    assert leadership.answered == leadership.total == len(framework.sections[0].items)
    answer_all(cyber, people["officer"])
    assert responses.missing_items(cyber) == []


def test_last_change_names_the_person(nps: Assessment, people: dict) -> None:
    page = pages.page_for(responses.framework_of(nps), "engaging-councillors")
    assert responses.last_change(nps, page) is None
    answer_page(nps, page, people["lead"])
    assert responses.last_change(nps, page).name == people["lead"].name


def test_carry_forward_marks_answers_until_confirmed(app: Any, councils: dict, people: dict
                                                     ) -> None:
    version = load_shipped_framework("cyber-stocktake-2018")
    first = make_round(version, [councils["a"]], title="2018",
                       opens_on=today() - timedelta(days=400), closes_on=today() - timedelta(300))
    old = db.session.scalar(sa.select(Assessment).where(Assessment.round_id == first.id))
    db.session.execute(sa.update(Assessment).where(Assessment.id == old.id)
                       .values(status="in_progress"))
    db.session.commit()
    framework = responses.framework_of(old)
    for page in pages.pages_of(framework):  # written directly: that round is closed
        for item in page.items:
            value = valid_input(framework, item)
            db.session.add(Response(assessment_id=old.id, section_key=page.section.key,
                                    item_key=item.key, current_stage=value.current_stage,
                                    answer=value.answer))
    db.session.commit()
    second = make_round(version, [councils["a"]], title="2019")
    new = db.session.scalar(sa.select(Assessment).where(Assessment.round_id == second.id))
    assert responses.carry_forward_source(new).id == old.id

    with pytest.raises(workflow.WorkflowError):
        responses.carry_forward(new, people["officer"], today())  # leads only
    copied = responses.carry_forward(new, people["lead"], today())

    assert copied == len(list(framework.items()))
    carried = responses.responses_by_item(new)
    assert all(r.carried_forward for r in carried.values())
    missing = responses.missing_items(new)
    assert missing and all("Carried forward" in m.reason for m in missing)
    assert responses.section_progress(new)[0].status == "In progress"
    # Saving a page unchanged confirms its carried answers.
    page = pages.page_for(framework, "leadership")
    versions = {i.key: carried[i.key].version for i in page.items}
    inputs = {i.key: AnswerInput.of(carried[i.key]) for i in page.items}
    confirmed = responses.save_page(new, page.key, inputs, versions, people["officer"], today())
    assert set(confirmed) == {i.key for i in page.items}
    assert responses.section_progress(new)[0].status == "Completed"
    assert responses.carry_forward(new, people["lead"], today()) == 0  # nothing left to copy


def test_no_earlier_round_means_nothing_to_carry(nps: Assessment, people: dict) -> None:
    assert responses.carry_forward_source(nps) is None
    with pytest.raises(workflow.WorkflowError):
        responses.carry_forward(nps, people["lead"], today())


def test_section_assignment(nps: Assessment, people: dict) -> None:
    responses.assign_section(nps, "enablers", people["officer"], people["lead"], today())
    assigned = responses.assignments_for(people["officer"], today())
    assert [a.section_key for a in assigned] == ["enablers"]
    with pytest.raises(workflow.WorkflowError):
        responses.assign_section(nps, "enablers", people["other_officer"], people["lead"],
                                 today())
    responses.assign_section(nps, "enablers", None, people["lead"], today())
    assert responses.assignments_for(people["officer"], today()) == []
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "section_assigned").order_by(AuditEvent.id)).all()
    assert [(e.old_value, e.new_value) for e in events] == [(None, people["officer"].name),
                                                            (people["officer"].name, None)]


def test_history_newest_first_and_paginated(cyber: Assessment, people: dict) -> None:
    answer_all(cyber, people["officer"])
    first = history.history(cyber, page=1, per_page=10)
    assert first.total > 40 and len(first.items) == 10
    times = [(e.occurred_at, e.id) for e in first.items]
    assert times == sorted(times, reverse=True)
    oldest = history.history(cyber, page=first.pages, per_page=10).items[-1]
    assert oldest.action == "assessment_status_changed" and oldest.new_value == "in_progress"


def test_assessment_in_future_round_cannot_be_changed(app: Any, councils: dict, people: dict
                                                      ) -> None:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"]],
                        opens_on=today() + timedelta(days=3), closes_on=date(2100, 1, 1))
    assessment = db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id))
    with pytest.raises(workflow.WorkflowError, match="not opened"):
        answer_page(assessment, pages.pages_of(responses.framework_of(assessment))[0],
                    people["officer"])
