"""Status transitions, allowed and forbidden, as plain service calls."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from prodmaturity import mail
from prodmaturity.assessments import pages, responses, rounds, workflow
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, AuditEvent
from prodmaturity.timeutil import today
from tests.factories import load_shipped_framework, make_round
from tests.test_responses import answer_all, answer_page

SIGN_OFF = {"sign_off_name": "Pat Director", "sign_off_role": "Director of Resources"}


@pytest.fixture(autouse=True)
def _request_context(app: Any) -> Any:
    """Emails render the page context, which needs a request (as in the views)."""
    with app.test_request_context():
        yield


@pytest.fixture
def assessment(app: Any, councils: dict[str, Any], people: dict[str, Any]) -> Assessment:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"]])
    return db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id))


def submit(assessment: Assessment, user: Any, day: Any = None) -> workflow.Submission:
    return workflow.submit(assessment, user, today=day or today(), **SIGN_OFF)


def statuses(assessment: Assessment) -> list[tuple[str | None, str | None]]:
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "assessment_status_changed",
        AuditEvent.subject_id == assessment.id).order_by(AuditEvent.id))
    return [(e.old_value, e.new_value) for e in events]


def test_full_life_draft_submit_return_resubmit_accept(assessment: Assessment, people: dict
                                                       ) -> None:
    lead, admin = people["lead"], people["admin"]
    assert assessment.status == "not_started" and workflow.is_editable(assessment, today())
    answer_all(assessment, people["officer"])
    assert assessment.status == "in_progress"

    done = submit(assessment, lead)
    assert done.newly_submitted and assessment.status == "submitted"
    assert re.fullmatch(r"NPS-\d{4}-[A-Z2-9]{6}", assessment.reference)
    assert assessment.sign_off_name == "Pat Director" and assessment.submitted_by_id == lead.id
    assert assessment.overall_median_stage is not None  # results stored in the same transaction
    assert not workflow.is_editable(assessment, today())
    sent = mail.outbox_messages(lead.email)
    assert len(sent) == 1 and assessment.reference in mail.body_of(sent[0])

    workflow.return_assessment(assessment, admin, "Please explain the enablers")
    assert assessment.status == "returned" and workflow.is_editable(assessment, today())
    for person in ("lead", "officer"):
        returned = mail.outbox_messages(people[person].email)[-1]
        assert "Please explain the enablers" in mail.body_of(returned)
    assert mail.outbox_messages(people["other_officer"].email) == []
    answer_page(assessment, pages.pages_of(responses.framework_of(assessment))[-1],
                people["officer"], variant=2)

    reference = assessment.reference
    assert submit(assessment, lead).newly_submitted
    assert assessment.status == "submitted" and assessment.reference == reference

    workflow.accept(assessment, admin)
    assert assessment.status == "accepted" and assessment.decided_by_id == admin.id
    assert statuses(assessment) == [("not_started", "in_progress"),
                                    ("in_progress", "submitted"), ("submitted", "returned"),
                                    ("returned", "submitted"), ("submitted", "accepted")]


def test_submitting_twice_submits_once(assessment: Assessment, people: dict) -> None:
    answer_all(assessment, people["officer"])
    assert submit(assessment, people["lead"]).newly_submitted
    again = submit(assessment, people["lead"])
    assert not again.newly_submitted
    assert len(mail.outbox_messages()) == 1
    assert statuses(assessment).count(("in_progress", "submitted")) == 1


def test_incomplete_assessment_cannot_be_submitted(assessment: Assessment, people: dict
                                                   ) -> None:
    answer_page(assessment, pages.pages_of(responses.framework_of(assessment))[0],
                people["officer"])
    with pytest.raises(workflow.IncompleteError) as caught:
        submit(assessment, people["lead"])
    assert len(caught.value.missing) == 13
    db.session.refresh(assessment)
    assert assessment.status == "in_progress" and assessment.reference is None
    assert mail.outbox_messages() == []


def test_not_started_cannot_be_submitted(assessment: Assessment, people: dict) -> None:
    with pytest.raises(workflow.WorkflowError):
        submit(assessment, people["lead"])
    assert assessment.status == "not_started"


@pytest.mark.parametrize("who", ["officer", "other_lead", "analyst", "admin"])
def test_only_the_councils_lead_can_submit(assessment: Assessment, people: dict, who: str
                                           ) -> None:
    answer_all(assessment, people["officer"])
    with pytest.raises(workflow.WorkflowError, match="lead"):
        submit(assessment, people[who])
    assert assessment.status == "in_progress"


def test_missing_sign_off_is_refused(assessment: Assessment, people: dict) -> None:
    answer_all(assessment, people["officer"])
    with pytest.raises(workflow.WorkflowError, match="senior officer"):
        workflow.submit(assessment, people["lead"], sign_off_name=" ", sign_off_role="Director",
                        today=today())


def test_submitted_and_accepted_assessments_are_read_only(assessment: Assessment, people: dict
                                                          ) -> None:
    answer_all(assessment, people["officer"])
    submit(assessment, people["lead"])
    first = pages.pages_of(responses.framework_of(assessment))[0]
    with pytest.raises(workflow.WorkflowError, match="submitted"):
        answer_page(assessment, first, people["officer"], variant=3)
    workflow.accept(assessment, people["admin"])
    with pytest.raises(workflow.WorkflowError, match="accepted"):
        answer_page(assessment, first, people["officer"], variant=3)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_assessment(assessment, people["admin"], "Too late")
    with pytest.raises(workflow.WorkflowError):
        workflow.accept(assessment, people["admin"])
    assert assessment.status == "accepted"


def test_only_submitted_can_be_returned_or_accepted(assessment: Assessment, people: dict
                                                    ) -> None:
    with pytest.raises(workflow.WorkflowError, match="Only a submitted"):
        workflow.accept(assessment, people["admin"])
    with pytest.raises(workflow.WorkflowError, match="Only a submitted"):
        workflow.return_assessment(assessment, people["admin"], "Why")
    assert assessment.status == "not_started"


def test_return_needs_a_reason_and_an_lga_admin(assessment: Assessment, people: dict) -> None:
    answer_all(assessment, people["officer"])
    submit(assessment, people["lead"])
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.return_assessment(assessment, people["admin"], "  ")
    for who in ("analyst", "lead"):
        with pytest.raises(workflow.WorkflowError, match="LGA admin"):
            workflow.return_assessment(assessment, people[who], "Because")
        with pytest.raises(workflow.WorkflowError, match="LGA admin"):
            workflow.accept(assessment, people[who])
    assert assessment.status == "submitted"


def test_deadline_passed_then_extended_for_the_council(app: Any, councils: dict, people: dict
                                                       ) -> None:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"], councils["b"]],
                        opens_on=today() - timedelta(days=30), closes_on=today() + timedelta(1))
    own = db.session.scalar(sa.select(Assessment).where(
        Assessment.round_id == round_.id, Assessment.council_id == councils["a"].id))
    other = db.session.scalar(sa.select(Assessment).where(
        Assessment.round_id == round_.id, Assessment.council_id == councils["b"].id))
    answer_all(own, people["officer"])
    later = today() + timedelta(days=2)
    assert not workflow.is_editable(own, later)
    with pytest.raises(workflow.WorkflowError, match="deadline"):
        submit(own, people["lead"], later)
    first = pages.pages_of(responses.framework_of(own))[0]
    with pytest.raises(workflow.WorkflowError, match="deadline"):
        responses.save_page(own, first.key, {}, {}, people["officer"], later)

    rounds.extend_council_deadline(own, today() + timedelta(days=10), people["admin"])
    assert workflow.is_editable(own, later) and not workflow.is_editable(other, later)
    assert submit(own, people["lead"], later).newly_submitted


def test_extending_the_round_reopens_it_for_everyone(app: Any, councils: dict, people: dict
                                                     ) -> None:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"]],
                        opens_on=today() - timedelta(days=30), closes_on=today() - timedelta(1))
    assessment = db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id))
    assert workflow.editable_problem(assessment, today()) == \
        "The deadline for this assessment has passed"
    rounds.extend_round(round_, today() + timedelta(days=7), people["admin"])
    assert workflow.is_editable(assessment, today())
