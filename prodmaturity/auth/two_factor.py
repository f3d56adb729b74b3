"""Two-factor sign-in: who needs it, emailed codes, authenticator (TOTP) codes, recovery codes.

Every check that must hold across app instances is a SQL counter or a guarded UPDATE: a code is
accepted once even when two instances are asked at the same moment, and wrong codes are counted
in the user's row, not in process memory. Codes are compared with ``hmac.compare_digest``.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from .. import audit, mail, timeutil
from ..extensions import db
from ..models.user import EmailCode, RecoveryCode, User

EMAIL = "email"
TOTP = "totp"
RECOVERY = "recovery_code"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l to misread
TOTP_STEP_SECONDS = 30
# A TOTP code from up to this many steps ago is recognised (and refused) as expired.
TOTP_EXPIRED_STEPS = 10
# Emailed codes a user may be sent per TWO_FACTOR_CODE_MINUTES, so nobody can flood an inbox.
MAX_CODES_PER_WINDOW = 5


class CodeOutcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeOutcome
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is CodeOutcome.OK


def required_for(user: User) -> bool:
    """LGA roles need two-factor (always, in production); council roles by configuration."""
    config = current_app.config
    if user.is_lga:
        return bool(config["TWO_FACTOR_REQUIRED_LGA"] or config["PRODUCTION"])
    return bool(config["TWO_FACTOR_REQUIRED_COUNCIL"])


def needed(user: User) -> bool:
    """A second step at sign-in: when required, or when the user has chosen a method."""
    return required_for(user) or user.two_factor_method is not None


def method_for(user: User) -> str:
    """Emailed codes unless the user has set up an authenticator app."""
    return TOTP if user.two_factor_method == TOTP and user.totp_secret else EMAIL


def message_for(result: CodeResult, method: str) -> str:
    """What the person is told, in GOV.UK style."""
    if result.outcome is CodeOutcome.EXPIRED:
        if method == TOTP:
            return "This code has expired. Enter the code your app shows now"
        return "This code has expired. Send yourself a new code"
    if result.outcome is CodeOutcome.USED:
        if method == TOTP:
            return "This code has already been used. Wait for your app to show a new code"
        if method == RECOVERY:
            return "This recovery code has already been used. Enter a different recovery code"
        return "This code has already been used. Send yourself a new code"
    if result.outcome is CodeOutcome.LOCKED and result.locked_until:
        return ("You entered a wrong code too many times, so your account is locked. "
                f"Try again after {result.locked_until:%H:%M} UTC")
    if method == RECOVERY:
        return "Enter a correct recovery code"
    return "Enter a correct security code"


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


# Emailed codes --------------------------------------------------------------------------------


def _email_code_hash(user: User, code: str) -> str:
    """Keyed so a copy of the database does not give away live codes (there are only 10⁶)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{user.id}:{code}".encode(), hashlib.sha256).hexdigest()


def may_send_code(user: User, now: datetime) -> bool:
    window = now - timedelta(minutes=current_app.config["TWO_FACTOR_CODE_MINUTES"])
    sent = db.session.scalar(
        sa.select(sa.func.count()).select_from(EmailCode)
        .where(EmailCode.user_id == user.id, EmailCode.created_at > window)
    )
    return (sent or 0) < MAX_CODES_PER_WINDOW


def send_email_code(user: User) -> str:
    """Email a new 6-digit code; older codes stop working so only the latest one counts."""
    now = timeutil.utcnow()
    minutes = current_app.config["TWO_FACTOR_CODE_MINUTES"]
    db.session.execute(
        sa.delete(EmailCode).where(EmailCode.user_id == user.id,
                                   EmailCode.created_at < now - timedelta(days=1))
    )
    db.session.execute(
        sa.update(EmailCode)
        .where(EmailCode.user_id == user.id, EmailCode.used_at.is_(None),
               EmailCode.expires_at > now)
        .values(expires_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(EmailCode(user_id=user.id, code_hash=_email_code_hash(user, code),
                             created_at=now, expires_at=now + timedelta(minutes=minutes)))
    db.session.commit()
    mail.send(user.email, f"{code} is your {current_app.config['SERVICE_NAME']} security code",
              "two_factor_code", user=user, code=code, minutes=minutes)
    return code


def _check_email_code(user: User, code: str, now: datetime) -> CodeOutcome:
    if not (code.isdigit() and len(code) == 6):
        return CodeOutcome.WRONG
    digest = _email_code_hash(user, code)
    rows = db.session.scalars(
        sa.select(EmailCode).where(EmailCode.user_id == user.id)
        .order_by(EmailCode.created_at.desc()).limit(20)
    ).all()
    match = None
    for row in rows:  # every row compared, in constant time
        if hmac.compare_digest(row.code_hash, digest) and match is None:
            match = row
    if match is None:
        return CodeOutcome.WRONG
    if match.used_at is not None:
        return CodeOutcome.USED
    if match.expires_at <= now:
        return CodeOutcome.EXPIRED
    return _claim(sa.update(EmailCode).where(EmailCode.id == match.id,
                                             EmailCode.used_at.is_(None)).values(used_at=now))


def _claim(stmt: sa.Update) -> CodeOutcome:
    """Only one request can win a guarded UPDATE, whichever instance it reaches."""
    won = db.session.execute(stmt, execution_options={"synchronize_session": False}).rowcount
    return CodeOutcome.OK if won == 1 else CodeOutcome.USED


# Authenticator apps ---------------------------------------------------------------------------


def _step(now: datetime) -> int:
    return int(now.replace(tzinfo=UTC).timestamp()) // TOTP_STEP_SECONDS


def _matching_step(secret: str, code: str, now: datetime, earliest: int) -> int | None:
    """The latest step in [now + earliest, now + 1] whose code is ``code``."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, current, found = pyotp.TOTP(secret), _step(now), None
    for offset in range(earliest, 2):
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            found = current + offset
    return found


def _check_totp(user: User, code: str, now: datetime) -> CodeOutcome:
    step = _matching_step(user.totp_secret or "", code, now, -TOTP_EXPIRED_STEPS)
    if step is None:
        return CodeOutcome.WRONG
    if step < _step(now) - 1:
        return CodeOutcome.EXPIRED
    if user.totp_last_step is not None and step <= user.totp_last_step:
        return CodeOutcome.USED
    return _claim(
        sa.update(User)
        .where(User.id == user.id,
               sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    )


def pending_totp_secret(user: User) -> str:
    """The secret to show on the set-up page, kept until confirmed so a reload still works."""
    if not user.totp_pending_secret:
        user.totp_pending_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_pending_secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def qr_code_svg(uri: str) -> Markup:
    """An inline SVG (no style attributes, which the CSP would block)."""
    svg = segno.make(uri, error="m").svg_inline(
        omitsize=True, scale=4, title="QR code for your authenticator app", svgclass="app-qr-code")
    return Markup(svg)  # segno escapes the URI inside its own markup


# Signing in -----------------------------------------------------------------------------------


def verify(user: User, code: str, now: datetime | None = None) -> CodeResult:
    """Check the second step's code with the user's method, counting wrong ones."""
    now = now or timeutil.utcnow()
    if user.locked_until and user.locked_until > now:
        return CodeResult(CodeOutcome.LOCKED, user.locked_until)
    method = method_for(user)
    code = normalise_code(code)
    outcome = _check_totp(user, code, now) if method == TOTP else _check_email_code(user, code, now)
    return _finish(user, outcome, now, method)


def use_recovery_code(user: User, code: str, now: datetime | None = None) -> CodeResult:
    """A recovery code in place of the usual code: each works once."""
    now = now or timeutil.utcnow()
    if user.locked_until and user.locked_until > now:
        return CodeResult(CodeOutcome.LOCKED, user.locked_until)
    digest = hashlib.sha256(normalise_code(code).encode()).hexdigest()
    match = None
    for row in db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        if hmac.compare_digest(row.code_hash, digest) and match is None:
            match = row
    if match is None:
        outcome = CodeOutcome.WRONG
    elif match.used_at is not None:
        outcome = CodeOutcome.USED
    else:
        outcome = _claim(sa.update(RecoveryCode).where(
            RecoveryCode.id == match.id, RecoveryCode.used_at.is_(None)).values(used_at=now))
    return _finish(user, outcome, now, RECOVERY)


def _finish(user: User, outcome: CodeOutcome, now: datetime, method: str) -> CodeResult:
    if outcome is CodeOutcome.OK:
        db.session.execute(sa.update(User).where(User.id == user.id)
                           .values(two_factor_failures=0))
        if method == RECOVERY:
            audit.record("recovery_code_used", actor=user, subject=user,
                         detail={"left": recovery_codes_left(user)})
        db.session.commit()
        db.session.refresh(user)
        return CodeResult(CodeOutcome.OK)
    return _count_failure(user, now, method, outcome)


def _count_failure(user: User, now: datetime, method: str, outcome: CodeOutcome) -> CodeResult:
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(two_factor_failures=User.two_factor_failures + 1))
    db.session.refresh(user)
    audit.record("two_factor_failed", actor=user, subject=user,
                 detail={"method": method, "reason": outcome.value})
    if user.two_factor_failures >= current_app.config["TWO_FACTOR_MAX_ATTEMPTS"]:
        user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        user.two_factor_failures = 0
        _expire_email_codes(user, now)
        audit.record("account_locked", actor=user, subject=user, new=user.locked_until,
                     detail={"reason": "too many wrong security codes"})
        db.session.commit()
        return CodeResult(CodeOutcome.LOCKED, user.locked_until)
    db.session.commit()
    return CodeResult(outcome)


def _expire_email_codes(user: User, now: datetime) -> None:
    db.session.execute(sa.update(EmailCode)
                       .where(EmailCode.user_id == user.id, EmailCode.used_at.is_(None))
                       .values(used_at=now))


# Changing the second factor --------------------------------------------------------------------


def recovery_codes_left(user: User) -> int:
    return int(db.session.scalar(
        sa.select(sa.func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0)


def _new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes replace any old ones; only their hashes are kept."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        db.session.add(RecoveryCode(user_id=user.id,
                                    code_hash=hashlib.sha256(raw.encode()).hexdigest()))
    return codes


def confirm_authenticator(user: User, code: str, *, keep_sid: str | None) -> list[str] | None:
    """Switch to the app once it shows the right code; returns the new recovery codes."""
    secret = user.totp_pending_secret
    step = _matching_step(secret or "", normalise_code(code), timeutil.utcnow(), -1)
    if secret is None or step is None:
        return None
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = secret, None, step
    return _changed(user, TOTP, keep_sid)


def use_email_codes(user: User, *, keep_sid: str | None) -> list[str]:
    """Switch to emailed codes (the app's secret is forgotten); returns new recovery codes."""
    user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
    return _changed(user, EMAIL, keep_sid)


def renew_recovery_codes(user: User, *, keep_sid: str | None) -> list[str]:
    return _changed(user, method_for(user), keep_sid, action="recovery_codes_renewed")


def _changed(user: User, method: str, keep_sid: str | None,
             action: str = "two_factor_changed") -> list[str]:
    from .sessions import end_other_sessions

    old = user.two_factor_method
    user.two_factor_method = method
    user.two_factor_failures = 0
    codes = _new_recovery_codes(user)
    ended = end_other_sessions(user, "two_factor_changed", keep_sid=keep_sid)
    audit.record(action, actor=user, subject=user, old=old, new=method,
                 detail={"sessions_ended": ended})
    db.session.commit()
    _tell(user, "Your sign-in security has changed")
    return codes


def reset_by_admin(actor: User, user: User) -> None:
    """An LGA admin clears a lost second factor; the person signs in with emailed codes."""
    from .sessions import end_other_sessions

    old = user.two_factor_method
    user.two_factor_method = user.totp_secret = user.totp_pending_secret = None
    user.totp_last_step = None
    user.two_factor_failures = 0
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _expire_email_codes(user, timeutil.utcnow())
    end_other_sessions(user, "two_factor_reset")
    audit.record("two_factor_reset", actor=actor, council_id=user.council_id, subject=user,
                 old=old, new=None)
    db.session.commit()
    _tell(user, "Your sign-in security has been reset")


def _tell(user: User, subject: str) -> None:
    mail.send(user.email, subject, "two_factor_changed", user=user, headline=subject,
              when=timeutil.utcnow().strftime("%-d %B %Y at %H:%M"))
