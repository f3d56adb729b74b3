"""A person's own sessions: recent sign-ins in plain words, and signing out everywhere else."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .. import audit
from ..auth.sessions import end_other_sessions
from ..extensions import db
from ..models.user import User, UserSession

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS: Sequence[tuple[str, str]] = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"MSIE |Trident/", "Internet Explorer"),
    (r"Version/[\d.]+.*Safari/", "Safari"),
    (r"curl/|python-requests/|Wget/", "a script"),
)
SYSTEMS: Sequence[tuple[str, str]] = (
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Macintosh|Mac OS X", "macOS"),
    (r"Linux", "Linux"),
)


def describe_client(user_agent: str | None) -> str:
    """Roughly which browser on which system, like "Firefox on Windows"."""
    text = user_agent or ""
    browser = next((name for pattern, name in BROWSERS if re.search(pattern, text)), None)
    system = next((name for pattern, name in SYSTEMS if re.search(pattern, text)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or f"A browser on {system}"
    return "Unknown browser"


@dataclass(frozen=True)
class SignIn:
    started: datetime
    last_seen: datetime
    client: str
    ip_address: str | None
    current: bool
    active: bool
    end_reason: str | None


END_REASONS = {
    "signed_out": "Signed out",
    "idle": "Timed out",
    "expired": "Reached its time limit",
    "password_changed": "Ended when the password changed",
    "two_factor_changed": "Ended when sign-in security changed",
    "two_factor_reset": "Ended when sign-in security was reset",
    "signed_out_elsewhere": "Signed out from another browser",
    "deactivated": "Ended when the account was deactivated",
}


def recent_sign_ins(user: User, current_sid: str | None, limit: int = 10) -> list[SignIn]:
    rows = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc()).limit(limit)
    ).all()
    return [
        SignIn(started=r.created_at, last_seen=r.last_seen_at,
               client=describe_client(r.user_agent), ip_address=r.ip_address,
               current=r.sid == current_sid, active=r.ended_at is None,
               end_reason=END_REASONS.get(r.end_reason or "", r.end_reason))
        for r in rows
    ]


def sign_out_other_sessions(user: User, keep_sid: str | None) -> int:
    """End the user's other sessions at once, on every app instance (they share the table)."""
    ended = end_other_sessions(user, "signed_out_elsewhere", keep_sid=keep_sid)
    audit.record("sessions_ended", actor=user, subject=user, detail={"sessions_ended": ended})
    db.session.commit()
    return ended
