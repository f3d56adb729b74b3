"""Making, checking and revoking API tokens (no Flask request needed, so tested directly).

Tokens look like ``pmat_`` + 43 URL-safe characters (32 random bytes). Only the SHA-256 of the
whole token is stored, so a leaked database cannot be replayed against the API.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models import ApiToken, User
from ..timeutil import utcnow

TOKEN_PREFIX = "pmat_"
DISPLAY_CHARS = 10  # "pmat_" and the first five random characters: enough to tell tokens apart
# Recording use on every call would make every read a write; once a minute is enough.
LAST_USED_GRANULARITY = timedelta(seconds=60)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Store a new token for the user; the plain token is returned here and never again."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip(), token_hash=hash_token(plain),
                     prefix=plain[:DISPLAY_CHARS])
    db.session.add(token)
    db.session.flush()
    audit.record("api_token_created", actor=user, council_id=user.council_id, subject=token,
                 new=token.name)
    db.session.commit()
    return token, plain


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
    ))


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when it is not theirs (shown as 404)."""
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token_revoked", actor=user, council_id=user.council_id, subject=token,
                     old=token.name)
        db.session.commit()
    return token


def authenticate(authorization: str | None) -> User | None:
    """The user a ``Bearer`` header speaks for, if the token is live and the user active."""
    scheme, _, plain = (authorization or "").partition(" ")
    plain = plain.strip()
    if scheme.lower() != "bearer" or not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain),
                                  ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
        db.session.commit()
    return token.user
