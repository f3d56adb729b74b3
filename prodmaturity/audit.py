"""Writing audit events: called inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models.audit import AuditEvent
from .models.user import User


def _client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _current_actor() -> User | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[no-any-return]
    return None


def record(
    action: str,
    *,
    actor: User | None = None,
    council_id: int | None = None,
    subject: Any = None,
    old: Any = None,
    new: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current session; the caller's commit makes it durable."""
    actor = actor or _current_actor()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        council_id=council_id,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        detail=detail,
        ip_address=_client_ip(),
    )
    db.session.add(event)
    return event
