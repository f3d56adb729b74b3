"""All models, imported here so Alembic and the app see the whole metadata."""

from .audit import AuditEvent
from .council import Council, CouncilType
from .user import Invitation, User, UserSession

__all__ = ["AuditEvent", "Council", "CouncilType", "Invitation", "User", "UserSession"]
