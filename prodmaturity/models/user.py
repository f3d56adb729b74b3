"""People who sign in, and the invitations that bring them in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..permissions import Permission, Role, role_can
from ..timeutil import utcnow
from .council import Council


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: emails are unique case-insensitively.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    council_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Two-factor: None until chosen ("email" codes are used when it is required but unset).
    two_factor_method: Mapped[str | None] = mapped_column(sa.String(10))
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # A secret shown on the set-up page but not yet confirmed with a code from the app.
    totp_pending_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # The last 30-second TOTP step accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Wrong second-step codes since the last success, counted in SQL across app instances.
    two_factor_failures: Mapped[int] = mapped_column(default=0, server_default="0")

    council: Mapped[Council | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "(role IN ('council_officer', 'council_lead') AND council_id IS NOT NULL)"
            " OR (role IN ('lga_analyst', 'lga_admin') AND council_id IS NULL)",
            name="role_council",
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.deactivated_at is None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        return self.role_enum.label

    @property
    def is_council_user(self) -> bool:
        return self.role_enum.is_council

    @property
    def is_lga(self) -> bool:
        return self.role_enum.is_lga

    @property
    def two_factor_label(self) -> str:
        return {"totp": "Authenticator app", "email": "Codes by email"}.get(
            self.two_factor_method or "", "Not set up"
        )

    def can(self, permission: Permission) -> bool:
        return self.is_active and role_can(self.role, permission)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Invitation(db.Model):
    """An emailed, single-use invitation; the account is made when it is accepted."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    council_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council.id"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    council: Mapped[Council | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class UserSession(db.Model):
    """A server-side record of one signed-in browser, so sessions can be listed and ended.

    The cookie holds only this record's random id: a new one at every sign-in, and ending the
    record (sign-out, idle timeout, password change, deactivation) ends the session everywhere.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(40))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))

    user: Mapped[User] = relationship(lazy="joined")


class RecoveryCode(db.Model):
    """A one-time code for when the second factor is lost; only its SHA-256 is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class EmailCode(db.Model):
    """A 6-digit sign-in code sent by email: single use, short-lived, stored as an HMAC."""

    __tablename__ = "email_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
