"""Server-side sessions: loading the user, idle and absolute time-outs, ending sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from .. import timeutil
from ..extensions import db, login_manager
from ..models.user import User, UserSession

# Writing last_seen on every request would make every page a write; once a minute is enough.
LAST_SEEN_GRANULARITY = timedelta(seconds=60)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own server-side sessions do this job
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(send_to_sign_in)


def send_to_sign_in() -> Response:
    """Send a signed-out visitor to sign in, and back to the page afterwards.

    One message only: an idle time-out has already said why. Only a GET is worth coming back
    to (after signing in, ``next`` is fetched with GET).
    """
    if not session.get("_flashes"):
        flash(login_manager.login_message, login_manager.login_message_category)
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=next_url))


def load_user(user_id: str) -> User | None:
    """Load the user only while their server-side session is live and within its time limits."""
    sid = session.get("sid")
    if not sid or not user_id.isdigit():
        return None
    record = db.session.scalar(
        sa.select(UserSession).where(UserSession.sid == sid, UserSession.ended_at.is_(None))
    )
    if record is None or record.user_id != int(user_id) or not record.user.is_active:
        session.clear()
        return None
    now = timeutil.utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = current_app.permanent_session_lifetime  # a timedelta even when set in seconds
    if now - record.last_seen_at > idle or now - record.created_at > lifetime:
        reason = "idle" if now - record.last_seen_at > idle else "expired"
        _end(record, reason)
        db.session.commit()
        session.clear()
        flash(
            "You were signed out because you had not done anything for "
            f"{current_app.config['SESSION_IDLE_MINUTES']} minutes. Sign in again to continue."
            if reason == "idle"
            else "Your session has ended. Sign in again to continue.",
            "info",
        )
        return None
    if now - record.last_seen_at > LAST_SEEN_GRANULARITY:
        record.last_seen_at = now
        db.session.commit()
    return record.user


def start_session(user: User) -> UserSession:
    """Sign in with a brand-new session id (old cookie contents are discarded)."""
    session.clear()
    now = timeutil.utcnow()
    record = UserSession(
        sid=secrets.token_urlsafe(32),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        ip_address=request.remote_addr if has_request_context() else None,
        user_agent=(request.user_agent.string or "")[:200] if has_request_context() else None,
    )
    db.session.add(record)
    user.last_sign_in_at = now
    db.session.commit()
    session["sid"] = record.sid
    session.permanent = True
    login_user(user)
    return record


def end_current_session() -> None:
    sid = session.get("sid")
    if sid:
        record = db.session.scalar(sa.select(UserSession).where(UserSession.sid == sid))
        if record is not None and record.ended_at is None:
            _end(record, "signed_out")
            db.session.commit()
    logout_user()
    session.clear()


def end_other_sessions(user: User, reason: str, keep_sid: str | None = None) -> int:
    """End every live session of the user but (optionally) this one; returns how many."""
    stmt = (
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=timeutil.utcnow(), end_reason=reason)
    )
    if keep_sid:
        stmt = stmt.where(UserSession.sid != keep_sid)
    return db.session.execute(stmt).rowcount or 0


def _end(record: UserSession, reason: str) -> None:
    record.ended_at = timeutil.utcnow()
    record.end_reason = reason
