"""Security events: the audit actions about accounts and access, filtered for the LGA.

The events themselves are written where they happen (sign-in, two-factor, lifecycle, exports);
this module only reads them back, newest first, for the page and its CSV download.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import AuditEvent, User

SECURITY_ACTIONS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "sign_in_refused_locked": "Sign-in refused: account locked",
    "sign_in_refused_deactivated": "Sign-in refused: account deactivated",
    "account_locked": "Account locked",
    "two_factor_failed": "Wrong security code",
    "recovery_code_used": "Recovery code used",
    "two_factor_changed": "Two-factor changed",
    "recovery_codes_renewed": "Recovery codes renewed",
    "two_factor_reset": "Two-factor reset by an admin",
    "password_changed": "Password changed",
    "password_reset": "Password reset",
    "password_reset_requested": "Password reset requested",
    "sessions_ended": "Signed out of other sessions",
    "role_changed": "Role changed",
    "user_deactivated": "Account deactivated",
    "user_reactivated": "Account reactivated",
    "user_created_cli": "Account created on the command line",
    "invitation_sent": "Invitation sent",
    "invitation_resent": "Invitation sent again",
    "invitation_revoked": "Invitation withdrawn",
    "invitation_accepted": "Invitation accepted",
    "export": "Data exported",
}

CSV_HEADER = ("Time (UTC)", "Action", "Actor name", "Actor email", "Subject name",
              "Subject email", "IP address", "Old value", "New value", "Detail")


@dataclass(frozen=True)
class EventFilter:
    action: str | None = None
    email: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def events_query(chosen: EventFilter, *, with_subject: bool = False) -> sa.Select[Any]:
    """Security events matching the filter, newest first (and the user each is about, when
    ``with_subject``). ``email`` matches the person who acted or the person acted on."""
    subject = aliased(User)
    actor = aliased(User)
    query = (
        (sa.select(AuditEvent, subject) if with_subject else sa.select(AuditEvent))
        .select_from(AuditEvent)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, sa.and_(AuditEvent.subject_type == "User",
                                    subject.id == AuditEvent.subject_id))
        .where(AuditEvent.action.in_(SECURITY_ACTIONS))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    if chosen.email:
        email = chosen.email.strip().lower()
        query = query.where(sa.or_(actor.email == email, subject.email == email))
    if chosen.date_from:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(chosen.date_from, time()))
    if chosen.date_to:
        end = datetime.combine(chosen.date_to + timedelta(days=1), time())
        query = query.where(AuditEvent.occurred_at < end)
    return query


def csv_rows(chosen: EventFilter) -> Iterator[Sequence[Any]]:
    """One row per event, streamed from the database in batches."""
    query = events_query(chosen, with_subject=True).execution_options(yield_per=500)
    result = db.session.execute(query)
    for event, subject in result:
        yield (
            event.occurred_at, SECURITY_ACTIONS.get(event.action, event.action),
            event.actor.name if event.actor else "", event.actor.email if event.actor else "",
            subject.name if subject else "", subject.email if subject else "",
            event.ip_address, event.old_value, event.new_value,
            _detail_text(event.detail),
        )


def _detail_text(detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    return "; ".join(f"{key}: {value}" for key, value in sorted(detail.items()))


def subjects_of(found: Sequence[AuditEvent]) -> dict[int, User]:
    """The users a page of events is about, in one query."""
    ids = {e.subject_id for e in found if e.subject_type == "User" and e.subject_id}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
