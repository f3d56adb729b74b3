"""The short-lived marker between the password and the second step.

It lives in the signed session cookie and holds only a user id, an expiry and where to go next.
It is never a signed-in state: ``load_user`` needs a server-side session id, which is only
created (by ``start_session``) once the second step succeeds.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import current_app, session

from .. import timeutil
from ..extensions import db
from ..models.user import User

KEY = "pending_sign_in"


def _now() -> int:
    return int(timeutil.utcnow().replace(tzinfo=UTC).timestamp())


def start(user: User, next_url: str | None) -> None:
    session.clear()  # nothing from before the password survives
    lifetime = timedelta(minutes=current_app.config["TWO_FACTOR_CODE_MINUTES"])
    session[KEY] = {"user_id": user.id, "expires": _now() + int(lifetime.total_seconds()),
                    "next": next_url}


def user() -> User | None:
    """The person half-way through signing in, while the marker is fresh and they are active."""
    data = session.get(KEY)
    if not isinstance(data, dict) or not isinstance(data.get("user_id"), int):
        return None
    if int(data.get("expires", 0)) <= _now():
        clear()
        return None
    found = db.session.get(User, data["user_id"])
    if found is None or not found.is_active:
        clear()
        return None
    return found


def next_url() -> str | None:
    data = session.get(KEY)
    return data.get("next") if isinstance(data, dict) else None


def clear() -> None:
    session.pop(KEY, None)
