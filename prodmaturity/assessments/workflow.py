"""An assessment's life: not started → in progress → submitted → (returned → submitted)* → accepted.

Every transition is a guarded ``UPDATE ... WHERE status IN (...)``: the database, not a read
followed by a write, decides who wins, so a double click or two workers racing submit once and
send one email. Council writes start with :func:`lock_for_edit`, which takes the same row, so an
answer can never land on an assessment that was submitted a moment earlier.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from .. import audit, mail
from ..extensions import db
from ..models import Assessment, AssessmentStatus, User
from ..permissions import Permission, Role
from ..timeutil import utcnow
from .results import compute_and_store

S = AssessmentStatus
EDITABLE_STATUSES = (S.NOT_STARTED.value, S.IN_PROGRESS.value, S.RETURNED.value)
SUBMITTABLE_STATUSES = (S.IN_PROGRESS.value, S.RETURNED.value)
DONE_STATUSES = (S.SUBMITTED.value, S.ACCEPTED.value)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class WorkflowError(Exception):
    """A transition that is not allowed now; the message is shown to the user as it is."""


class IncompleteError(WorkflowError):
    """Submission refused because required items are unanswered or unconfirmed."""

    def __init__(self, missing: Sequence[object]) -> None:
        super().__init__("Answer every required question before you submit")
        self.missing = list(missing)


@dataclass(frozen=True)
class Submission:
    assessment: Assessment
    newly_submitted: bool


def editable_problem(assessment: Assessment, today: date) -> str | None:
    """Why the council cannot change this assessment today, or None when it can."""
    if assessment.status == S.SUBMITTED.value:
        return "This assessment has been submitted, so it can no longer be changed"
    if assessment.status == S.ACCEPTED.value:
        return "This assessment has been accepted by the LGA, so it can no longer be changed"
    if today < assessment.round.opens_on:
        return "This round has not opened yet"
    if today > assessment.deadline:
        return "The deadline for this assessment has passed"
    return None


def is_editable(assessment: Assessment, today: date) -> bool:
    return editable_problem(assessment, today) is None


def check_editable(assessment: Assessment, today: date) -> None:
    problem = editable_problem(assessment, today)
    if problem:
        raise WorkflowError(problem)


def lock_for_edit(assessment: Assessment, actor: User, today: date) -> None:
    """Open a council write: refuse a closed assessment, and move not started → in progress.

    The guarded UPDATEs lock the assessment row for the rest of the transaction, so a submit
    running at the same moment either waits for this write or makes it fail here.
    """
    check_editable(assessment, today)
    now = utcnow()
    started = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == S.NOT_STARTED.value)
        .values(status=S.IN_PROGRESS.value, last_activity_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if started:
        _record_status(assessment, actor, S.NOT_STARTED.value, S.IN_PROGRESS.value)
    else:
        touched = db.session.execute(
            sa.update(Assessment)
            .where(Assessment.id == assessment.id, Assessment.status.in_(EDITABLE_STATUSES))
            .values(last_activity_at=now),
            execution_options={"synchronize_session": False},
        ).rowcount
        if not touched:
            db.session.rollback()
            raise WorkflowError(
                "This assessment has been submitted, so it can no longer be changed")
    db.session.refresh(assessment)


def make_reference(assessment: Assessment, today: date) -> str:
    """Like ``NPS-2019-ABC123``: framework, year of submission and six unambiguous characters."""
    prefix = assessment.round.slug.split("-")[0].upper()[:8]
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{prefix}-{today.year}-{code}"


def submit(assessment: Assessment, actor: User, *, sign_off_name: str, sign_off_role: str,
           today: date) -> Submission:
    """Submit once: a repeat (double click, retried request) returns the earlier submission."""
    if assessment.status in DONE_STATUSES:
        return Submission(assessment, newly_submitted=False)
    if not actor.can(Permission.COUNCIL_LEAD) or actor.council_id != assessment.council_id:
        raise WorkflowError("Only a council lead can submit this assessment")
    check_editable(assessment, today)
    if not sign_off_name.strip() or not sign_off_role.strip():
        raise WorkflowError("Enter the name and role of the senior officer who signed this off")
    previous, now = assessment.status, utcnow()
    won = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status.in_(SUBMITTABLE_STATUSES))
        .values(status=S.SUBMITTED.value, submitted_at=now, submitted_by_id=actor.id,
                sign_off_name=sign_off_name.strip(), sign_off_role=sign_off_role.strip(),
                reference=assessment.reference or make_reference(assessment, today),
                last_activity_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not won:
        db.session.rollback()
        db.session.refresh(assessment)
        if assessment.status in DONE_STATUSES:
            return Submission(assessment, newly_submitted=False)
        raise WorkflowError("Answer at least one question before you submit")
    _finish_submission(assessment, actor, previous)
    return Submission(assessment, newly_submitted=True)


def _finish_submission(assessment: Assessment, actor: User, previous: str) -> None:
    """Inside the winning transaction: completeness on current data, results, audit; then mail."""
    from .responses import missing_items  # responses builds on this module

    db.session.refresh(assessment)
    missing = missing_items(assessment)
    if missing:
        db.session.rollback()
        raise IncompleteError(missing)
    _record_status(assessment, actor, previous, S.SUBMITTED.value,
                   reference=assessment.reference, sign_off_name=assessment.sign_off_name,
                   sign_off_role=assessment.sign_off_role)
    compute_and_store(assessment)
    db.session.commit()
    _send(actor.email, f"Assessment submitted: reference {assessment.reference}",
          "submission_confirmation", assessment=assessment, user=actor)


def return_assessment(assessment: Assessment, actor: User, reason: str) -> None:
    """The LGA sends a submitted assessment back; the council can edit and must resubmit."""
    if not reason.strip():
        raise WorkflowError("Enter the reason for returning this assessment")
    _decide(assessment, actor, S.RETURNED.value, returned_at=utcnow(),
            return_reason=reason.strip())
    recipients = _council_people(assessment.council_id, (Role.COUNCIL_LEAD, Role.COUNCIL_OFFICER))
    for person in recipients:
        _send(person.email, f"Your {assessment.round.title} assessment has been returned",
              "assessment_returned", assessment=assessment, user=person)


def accept(assessment: Assessment, actor: User) -> None:
    """The LGA accepts a submitted assessment; it is locked from then on."""
    _decide(assessment, actor, S.ACCEPTED.value, accepted_at=utcnow())
    for person in _council_people(assessment.council_id, (Role.COUNCIL_LEAD,)):
        _send(person.email, f"Your {assessment.round.title} assessment has been accepted",
              "assessment_accepted", assessment=assessment, user=person)


def _decide(assessment: Assessment, actor: User, new_status: str, **values: object) -> None:
    if not actor.can(Permission.LGA_ADMIN):
        raise WorkflowError("Only an LGA admin can return or accept an assessment")
    done = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == S.SUBMITTED.value)
        .values(status=new_status, decided_by_id=actor.id, **values),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not done:
        db.session.rollback()
        db.session.refresh(assessment)
        raise WorkflowError(
            f"Only a submitted assessment can be {new_status}; this one is "
            f"{assessment.status_enum.label.lower()}"
        )
    db.session.refresh(assessment)
    _record_status(assessment, actor, S.SUBMITTED.value, new_status,
                   reason=assessment.return_reason if new_status == S.RETURNED.value else None)
    db.session.commit()


def _record_status(assessment: Assessment, actor: User, old: str, new: str,
                   **detail: object) -> None:
    audit.record("assessment_status_changed", actor=actor, council_id=assessment.council_id,
                 subject=assessment, old=old, new=new,
                 detail={k: v for k, v in detail.items() if v is not None} or None)


def _council_people(council_id: int, roles: tuple[Role, ...]) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.council_id == council_id, User.deactivated_at.is_(None),
                              User.role.in_([r.value for r in roles])).order_by(User.id)
    ))


def _send(to: str, subject: str, template: str, **context: object) -> None:
    """Email after the commit: the change stands even if the mail server is down."""
    try:
        mail.send(to, subject, template, **context)
    except Exception:
        current_app.logger.exception("Could not send %r to %s", subject, to)
