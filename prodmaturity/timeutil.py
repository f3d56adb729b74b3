"""Time helpers: one definition of "now" (naive UTC) that tests can rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC, the form stored in every DateTime column on both engines."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
