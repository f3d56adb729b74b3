"""Jinja wiring for the GOV.UK Design System, plus the filters and globals our templates use.

Templates come from ``templates/`` first, then from the govuk-frontend-jinja and
govuk-frontend-wtf packages under their own prefixes, so a page can say
``{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from .navigation import home_href, nav_items, sign_in_href, sign_out_href

LONDON = ZoneInfo("Europe/London")


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [
            app.jinja_loader,  # our own templates/ first, so we can override anything
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
    app.jinja_env.filters["format_time"] = format_time
    app.jinja_env.globals["days_left"] = days_left
    # security.py normally provides this; keep pages rendering if it is not wired in.
    app.jinja_env.globals.setdefault("csp_nonce", _fallback_csp_nonce)
    app.context_processor(_template_context)


def _template_context() -> dict[str, Any]:
    """Values base.html needs on every page.

    ``account`` is the signed-in user or None. Error pages for server errors set
    ``g.plain_error_page`` so rendering them never touches the database again.
    """
    context: dict[str, Any] = {
        "service_name": current_app.config.get("SERVICE_NAME", "Council productivity"),
        "nav_items": [],
        "sign_in_href": None,
        "account": None,
        "home_href": home_href() if has_request_context() else "/",
        "sign_out_href": sign_out_href() if has_request_context() else None,
    }
    if g.get("plain_error_page") or not has_request_context():
        return context
    user = current_user
    if getattr(user, "is_authenticated", False):
        context["account"] = user
    context["nav_items"] = nav_items()
    context["sign_in_href"] = sign_in_href()
    return context


def _fallback_csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def to_london(value: datetime) -> datetime:
    """Stored datetimes are naive UTC; show them as UK local time (GMT or BST)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON)


def format_date(value: date | datetime | None) -> str:
    """GOV.UK style: '25 November 2026'. Datetimes are converted to UK time first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value:%B %Y}"


def format_time(value: datetime | None) -> str:
    """GOV.UK style: '3:04pm', 'midday', 'midnight'."""
    if value is None:
        return ""
    local = to_london(value)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def format_datetime(value: datetime | None) -> str:
    """GOV.UK style: '25 November 2026 at 3:04pm' in UK time."""
    if value is None:
        return ""
    return f"{format_date(value)} at {format_time(value)}"


def days_left(deadline: date | datetime | None, today: date | None = None) -> int | None:
    """Whole days from today (UK) until the deadline; negative once it has passed."""
    if deadline is None:
        return None
    if isinstance(deadline, datetime):
        deadline = to_london(deadline).date()
    if today is None:
        today = datetime.now(LONDON).date()
    return (deadline - today).days
