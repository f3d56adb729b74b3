"""Footer pages that every service needs from day one. Open to everyone."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template

from ..permissions import public

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
@public
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.get("/cookies")
@public
def cookies() -> str:
    config = current_app.config
    lifetime = config.get("PERMANENT_SESSION_LIFETIME", timedelta(hours=12))
    if isinstance(lifetime, int | float):
        lifetime = timedelta(seconds=lifetime)
    return render_template(
        "pages/cookies.html",
        session_cookie_name=config.get("SESSION_COOKIE_NAME") or "session",
        session_hours=max(1, round(lifetime.total_seconds() / 3600)),
        idle_minutes=config.get("SESSION_IDLE_MINUTES"),
    )


@bp.get("/privacy")
@public
def privacy() -> str:
    return render_template("pages/privacy.html")
