"""Sign-in, lock-out, invitations and password resets: the rules, without HTTP."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit, mail, timeutil
from ..extensions import db
from ..models.council import Council
from ..models.user import Invitation, User
from ..permissions import Role
from ..urls import external_url
from .passwords import DUMMY_HASH, hash_password, verify_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


class SignInOutcome(enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    locked_until: datetime | None = None


def authenticate(email: str, password: str) -> SignInResult:
    """Check a password, counting failures and locking the account after too many."""
    user = find_user(email)
    now = timeutil.utcnow()
    if user is None:
        verify_password(DUMMY_HASH, password)
        # Kept so the LGA can spot someone trying addresses (credential stuffing).
        audit.record("sign_in_failed", detail={"email": normalise_email(email)[:254]})
        db.session.commit()
        return SignInResult(SignInOutcome.BAD_CREDENTIALS)
    if user.locked_until and user.locked_until > now:
        audit.record("sign_in_refused_locked", actor=user, subject=user)
        db.session.commit()
        return SignInResult(SignInOutcome.LOCKED, user, user.locked_until)
    if not verify_password(user.password_hash, password):
        return _count_failure(user, now)
    if not user.is_active:
        audit.record("sign_in_refused_deactivated", actor=user, subject=user)
        db.session.commit()
        return SignInResult(SignInOutcome.DEACTIVATED, user)
    user.failed_sign_ins = 0
    user.locked_until = None
    db.session.commit()
    return SignInResult(SignInOutcome.OK, user)


def record_sign_in(user: User, second_factor: str | None) -> None:
    """Audit a completed sign-in (the caller's start_session commits it)."""
    audit.record("sign_in", actor=user, subject=user, council_id=user.council_id,
                 detail={"second_factor": second_factor})


def _count_failure(user: User, now: datetime) -> SignInResult:
    config = current_app.config
    # Counted in SQL so failures arriving at several app instances at once all count.
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=User.failed_sign_ins + 1)
    )
    db.session.refresh(user)
    audit.record("sign_in_failed", actor=user, subject=user)
    if user.failed_sign_ins >= config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
        user.failed_sign_ins = 0
        audit.record("account_locked", actor=user, subject=user, new=user.locked_until)
        db.session.commit()
        return SignInResult(SignInOutcome.LOCKED, user, user.locked_until)
    db.session.commit()
    return SignInResult(SignInOutcome.BAD_CREDENTIALS, user)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


# Invitations ---------------------------------------------------------------------------------


class InvitationError(ValueError):
    pass


def create_invitation(
    *, inviter: User, email: str, name: str, role: Role, council: Council | None
) -> Invitation:
    """Invite someone by email; the caller has already checked the inviter may grant ``role``."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise InvitationError("There is already an account with this email address")
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        email=email,
        name=name.strip(),
        role=role.value,
        council_id=council.id if council else None,
        council=council,
        invited_by_id=inviter.id,
        expires_at=timeutil.utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation_sent",
        actor=inviter,
        council_id=invitation.council_id,
        subject=invitation,
        new=f"{email} as {role.value}",
    )
    db.session.commit()
    send_invitation_email(invitation, inviter)
    return invitation


def send_invitation_email(invitation: Invitation, inviter: User) -> None:
    token = _serializer("invitation").dumps(invitation.id)
    mail.send(
        invitation.email,
        f"You have been invited to {current_app.config['SERVICE_NAME']}",
        "invitation",
        invitation=invitation,
        inviter_name=inviter.name,
        role_label=Role(invitation.role).label,
        link=external_url("auth.accept_invitation", token=token),
    )


def invitation_from_token(token: str) -> Invitation:
    """The usable invitation a link points at, or InvitationError saying why not."""
    max_age = int(timedelta(days=current_app.config["INVITATION_DAYS"]).total_seconds())
    try:
        invitation_id = _serializer("invitation").loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvitationError("This invitation link has expired") from exc
    except BadSignature as exc:
        raise InvitationError("This invitation link is not valid") from exc
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise InvitationError("This invitation link is not valid")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation link has already been used")
    if invitation.revoked_at is not None:
        raise InvitationError("This invitation has been withdrawn")
    if invitation.expires_at <= timeutil.utcnow():
        raise InvitationError("This invitation link has expired")
    return invitation


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Create the account in one transaction; a second use of the same link finds it accepted."""
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=timeutil.utcnow())
    )
    if claimed.rowcount != 1 or find_user(invitation.email) is not None:
        db.session.rollback()
        raise InvitationError("This invitation link has already been used")
    user = User(
        email=invitation.email,
        name=invitation.name,
        role=invitation.role,
        council_id=invitation.council_id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "invitation_accepted", actor=user, council_id=user.council_id, subject=user, new=user.role
    )
    db.session.commit()
    return user


# Password reset ------------------------------------------------------------------------------


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used (or stale) reset link stops working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Email a reset link, or a note that no account exists; the page says the same either way."""
    user = find_user(email)
    name = current_app.config["SERVICE_NAME"]
    if user is None or not user.is_active:
        mail.send(normalise_email(email), f"Reset your {name} password", "password_reset_unknown",
                  email=normalise_email(email))
        return
    token = _serializer("reset").dumps({"u": user.id, "f": _fingerprint(user)})
    audit.record("password_reset_requested", actor=user, subject=user)
    db.session.commit()
    mail.send(
        user.email,
        f"Reset your {name} password",
        "password_reset",
        user=user,
        minutes=current_app.config["RESET_MINUTES"],
        link=external_url("auth.reset_password", token=token),
    )


class ResetLinkError(ValueError):
    pass


def user_from_reset_token(token: str) -> User:
    max_age = current_app.config["RESET_MINUTES"] * 60
    try:
        data = _serializer("reset").loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ResetLinkError("This password reset link has expired") from exc
    except BadSignature as exc:
        raise ResetLinkError("This password reset link is not valid") from exc
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active:
        raise ResetLinkError("This password reset link is not valid")
    if data.get("f") != _fingerprint(user):
        raise ResetLinkError("This password reset link has already been used")
    return user


def set_password(user: User, password: str, *, action: str, keep_sid: str | None = None) -> None:
    """Change a password, end the user's other sessions and clear any lock-out."""
    from .sessions import end_other_sessions

    user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    end_other_sessions(user, "password_changed", keep_sid=keep_sid)
    audit.record(action, actor=user, subject=user)
    db.session.commit()
    mail.send(
        user.email,
        "Your password has been changed",
        "password_changed",
        user=user,
        when=timeutil.utcnow().strftime("%-d %B %Y at %H:%M"),
    )
