"""URL helpers shared by blueprints."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never let ``next`` send someone to another site."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return default
    return target


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for emails, built on SERVICE_URL rather than the request's Host header:
    otherwise anyone could have a password reset link point at their own site."""
    base = str(current_app.config["SERVICE_URL"]).rstrip("/")
    return base + url_for(endpoint, **values)
