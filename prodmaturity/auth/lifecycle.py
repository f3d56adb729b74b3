"""Leavers and hand-overs: deactivating people, the lead role, resending and revoking invitations.

A council lead manages the officers of their own council; an LGA admin manages anyone. Every
change is audited; names stay on past audit events because accounts are never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from .. import audit, mail, timeutil
from ..extensions import db
from ..models import Assessment, Council, Invitation, Round, User
from ..models.assessment import AssessmentStatus
from ..permissions import Permission, Role
from .sessions import end_other_sessions


class LifecycleError(ValueError):
    """A change that is not allowed; the message is shown as it is."""


def may_manage(actor: User, target: User) -> bool:
    """LGA admins manage anyone but themselves; leads the officers of their own council."""
    if actor.id == target.id:
        return False
    if actor.can(Permission.LGA_ADMIN):
        return True
    return (actor.can(Permission.COUNCIL_LEAD) and target.council_id == actor.council_id
            and target.role == Role.COUNCIL_OFFICER.value)


def _check(actor: User, target: User) -> None:
    if not may_manage(actor, target):
        raise LifecycleError("You cannot change this person's account")


def deactivate(actor: User, target: User) -> int:
    """Stop someone signing in and end every session they have now; returns how many."""
    _check(actor, target)
    if not target.is_active:
        raise LifecycleError(f"{target.name}'s account is already deactivated")
    target.deactivated_at = timeutil.utcnow()
    ended = end_other_sessions(target, "deactivated")
    audit.record("user_deactivated", actor=actor, council_id=target.council_id, subject=target,
                 detail={"sessions_ended": ended})
    db.session.commit()
    mail.send(target.email, f"Your {current_app.config['SERVICE_NAME']} account has been "
              "deactivated", "account_deactivated", user=target, by=actor)
    return ended


def reactivate(actor: User, target: User) -> None:
    _check(actor, target)
    if target.is_active:
        raise LifecycleError(f"{target.name}'s account is already active")
    target.deactivated_at = None
    target.failed_sign_ins = target.two_factor_failures = 0
    target.locked_until = None
    audit.record("user_reactivated", actor=actor, council_id=target.council_id, subject=target)
    db.session.commit()


def hand_over_lead(actor: User, target: User) -> list[User]:
    """Make ``target`` their council's lead; the council's other leads become officers.

    A lead hands over their own role; an LGA admin appoints a lead for any council.
    Returns the people who stopped being lead.
    """
    if not (actor.can(Permission.LGA_ADMIN) or (
            actor.can(Permission.COUNCIL_LEAD) and actor.council_id == target.council_id)):
        raise LifecycleError("You cannot change this person's role")
    if target.role != Role.COUNCIL_OFFICER.value or not target.is_active:
        raise LifecycleError("Only an active council officer can become the council lead")
    previous = list(db.session.scalars(
        sa.select(User).where(User.council_id == target.council_id, User.id != target.id,
                              User.role == Role.COUNCIL_LEAD.value)
    ))
    _set_role(actor, target, Role.COUNCIL_LEAD)
    for person in previous:
        _set_role(actor, person, Role.COUNCIL_OFFICER)
    db.session.commit()
    return previous


def _set_role(actor: User, person: User, role: Role) -> None:
    audit.record("role_changed", actor=actor, council_id=person.council_id, subject=person,
                 old=person.role, new=role.value)
    person.role = role.value


# Invitations ---------------------------------------------------------------------------------


def may_manage_invitation(actor: User, invitation: Invitation) -> bool:
    if actor.can(Permission.LGA_ADMIN):
        return True
    return (actor.can(Permission.COUNCIL_LEAD) and invitation.council_id == actor.council_id
            and invitation.role == Role.COUNCIL_OFFICER.value)


def _check_open(actor: User, invitation: Invitation) -> None:
    if not may_manage_invitation(actor, invitation):
        raise LifecycleError("You cannot change this invitation")
    if invitation.accepted_at is not None:
        raise LifecycleError("This invitation has already been accepted")
    if invitation.revoked_at is not None:
        raise LifecycleError("This invitation has been withdrawn")


def resend_invitation(actor: User, invitation: Invitation) -> None:
    """Send a fresh link, valid for the full period again (an expired one included)."""
    from .services import send_invitation_email

    _check_open(actor, invitation)
    invitation.expires_at = timeutil.utcnow() + timedelta(
        days=current_app.config["INVITATION_DAYS"])
    audit.record("invitation_resent", actor=actor, council_id=invitation.council_id,
                 subject=invitation, new=invitation.email)
    db.session.commit()
    send_invitation_email(invitation, actor)


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation: its link stops working at once."""
    _check_open(actor, invitation)
    invitation.revoked_at = timeutil.utcnow()
    audit.record("invitation_revoked", actor=actor, council_id=invitation.council_id,
                 subject=invitation, old=invitation.email)
    db.session.commit()


# Needs attention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilWithoutLead:
    council: Council
    open_assessments: int


def councils_without_a_lead(day: date) -> list[CouncilWithoutLead]:
    """Councils with open assessments and no active lead: one query."""
    active_lead = (
        sa.select(User.id)
        .where(User.council_id == Council.id, User.role == Role.COUNCIL_LEAD.value,
               User.deactivated_at.is_(None))
        .exists()
    )
    rows = db.session.execute(
        sa.select(Council, sa.func.count(Assessment.id))
        .join(Assessment, Assessment.council_id == Council.id)
        .join(Round, Round.id == Assessment.round_id)
        .where(
            sa.or_(Round.closes_on >= day, Assessment.deadline_override >= day),
            Assessment.status.not_in(
                [AssessmentStatus.SUBMITTED.value, AssessmentStatus.ACCEPTED.value]),
            ~active_lead,
        )
        .group_by(Council.id)
        .order_by(Council.name)
    ).all()
    return [CouncilWithoutLead(council, count) for council, count in rows]
