"""Chasing councils that have not submitted: the chase list and sending reminders.

A council is reminded at most once in 24 hours per round, so an impatient double click or two
admins working the same list never floods a council lead's inbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from .. import audit, mail
from ..extensions import db
from ..models.assessment import Assessment, AssessmentStatus, Round
from ..models.council import Council
from ..models.reminder import Reminder
from ..models.user import User
from ..permissions import Role
from ..timeutil import utcnow
from .filters import CouncilFilter
from .overview import OUTSTANDING_STATUSES, Page, deadline_column, leads_subquery, paginate

REMINDER_INTERVAL = timedelta(hours=24)


@dataclass(frozen=True)
class ChaseRow:
    assessment_id: int
    council_id: int
    name: str
    status: str
    lead_count: int
    last_reminded_at: datetime | None
    deadline: date
    can_remind: bool

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label


def _last_reminded(round_id: int) -> sa.Subquery:
    return (
        sa.select(Reminder.council_id, sa.func.max(Reminder.sent_at).label("last_sent"))
        .where(Reminder.round_id == round_id)
        .group_by(Reminder.council_id)
        .subquery("last_reminder")
    )


def chase_list(round_: Round, *, council_filter: CouncilFilter | None = None, page: int = 1,
               per_page: int = 100, now: datetime | None = None) -> Page[ChaseRow]:
    """Councils in the round that have not submitted (or were returned), soonest deadline first."""
    council_filter = council_filter or CouncilFilter()
    leads = leads_subquery()
    last = _last_reminded(round_.id)
    deadline = deadline_column(round_).label("deadline")
    stmt = council_filter.apply(
        sa.select(Assessment.id, Council.id, Council.name, Assessment.status,
                  leads.c.lead_count, last.c.last_sent, deadline)
        .join(Council, Council.id == Assessment.council_id)
        .outerjoin(leads, leads.c.council_id == Council.id)
        .outerjoin(last, last.c.council_id == Council.id)
        .where(Assessment.round_id == round_.id, Assessment.status.in_(OUTSTANDING_STATUSES))
        .order_by(deadline, Council.name, Council.id)
    )
    cutoff = (now or utcnow()) - REMINDER_INTERVAL

    def row(r: Any) -> ChaseRow:
        leads_n = r.lead_count or 0
        recent = r.last_sent is not None and r.last_sent > cutoff
        return ChaseRow(r[0], r[1], r.name, r.status, leads_n, r.last_sent, r.deadline,
                        leads_n > 0 and not recent)

    return paginate(stmt, page, per_page, row)


@dataclass
class ReminderOutcome:
    """What happened to each selected council, by name, for the confirmation message."""

    sent: list[str] = field(default_factory=list)
    emails: int = 0
    too_soon: list[str] = field(default_factory=list)
    no_lead: list[str] = field(default_factory=list)
    not_outstanding: int = 0


def send_reminders(round_: Round, council_ids: Iterable[int] | None, *, actor: User | None,
                   council_filter: CouncilFilter | None = None,
                   now: datetime | None = None) -> ReminderOutcome:
    """Email the leads of the chosen outstanding councils (``None``: every outstanding one
    that matches the filter).

    Councils reminded in the last 24 hours, with no active lead, or already submitted are
    skipped and reported. Three queries, whatever the number of councils; one commit.
    """
    now = now or utcnow()
    wanted = None if council_ids is None else set(council_ids)
    stmt = (council_filter or CouncilFilter()).apply(
        sa.select(Assessment)
        .join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == round_.id, Assessment.status.in_(OUTSTANDING_STATUSES))
        .order_by(Council.name)
    )
    if wanted is not None:
        stmt = stmt.where(Council.id.in_(wanted))
    targets = list(db.session.scalars(stmt).unique())
    outcome = ReminderOutcome()
    if wanted is not None:
        outcome.not_outstanding = len(wanted - {a.council_id for a in targets})
    ids = [a.council_id for a in targets]
    recent = set(db.session.scalars(
        sa.select(Reminder.council_id).where(
            Reminder.round_id == round_.id, Reminder.council_id.in_(ids),
            Reminder.sent_at > now - REMINDER_INTERVAL)
    ))
    leads: dict[int, list[User]] = defaultdict(list)
    for lead in db.session.scalars(
        sa.select(User).where(User.council_id.in_(ids), User.role == Role.COUNCIL_LEAD.value,
                              User.deactivated_at.is_(None)).order_by(User.name)
    ).unique():
        leads[lead.council_id or 0].append(lead)
    for assessment in targets:
        name = assessment.council.name
        if assessment.council_id in recent:
            outcome.too_soon.append(name)
        elif not leads[assessment.council_id]:
            outcome.no_lead.append(name)
        else:
            _remind(assessment, leads[assessment.council_id], actor, now)
            outcome.sent.append(name)
            outcome.emails += len(leads[assessment.council_id])
    db.session.commit()
    return outcome


def _remind(assessment: Assessment, leads: list[User], actor: User | None,
            now: datetime) -> None:
    """Email each lead, keep the reminder row and record the audit event."""
    round_ = assessment.round
    for lead in leads:
        mail.send(lead.email, f"Reminder: {round_.title} closes on "
                  f"{assessment.deadline:%-d %B %Y}", "reminder", name=lead.name,
                  council_name=assessment.council.name, round_title=round_.title,
                  deadline=assessment.deadline, status=assessment.status_enum.label,
                  days_left=(assessment.deadline - now.date()).days)
    db.session.add(Reminder(round_id=round_.id, council_id=assessment.council_id,
                            assessment_id=assessment.id, sent_at=now,
                            sent_by_id=actor.id if actor else None, recipients=len(leads)))
    audit.record("reminder_sent", actor=actor, council_id=assessment.council_id,
                 subject=assessment,
                 detail={"round_id": round_.id, "recipients": [lead.email for lead in leads]})


def outcome_messages(outcome: ReminderOutcome) -> list[tuple[str, str]]:
    """What to tell the LGA admin after sending: (message, flash category) pairs."""
    messages = []
    if outcome.sent:
        councils = "council" if len(outcome.sent) == 1 else "councils"
        people = "lead" if outcome.emails == 1 else "leads"
        messages.append((f"Reminder sent to {outcome.emails} {people} at {len(outcome.sent)} "
                         f"{councils}", "success"))
    if outcome.too_soon:
        messages.append(("Not sent, because they were reminded in the last 24 hours: "
                         + ", ".join(outcome.too_soon), "info"))
    if outcome.no_lead:
        messages.append(("Not sent, because they have no council lead: "
                         + ", ".join(outcome.no_lead), "info"))
    if outcome.not_outstanding:
        messages.append((f"{outcome.not_outstanding} selected councils have already submitted "
                         "and were not reminded", "info"))
    if not messages:
        messages.append(("No councils to remind: every council has submitted", "info"))
    return messages
