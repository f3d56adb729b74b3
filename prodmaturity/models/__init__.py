"""All models, imported here so Alembic and the app see the whole metadata."""

from .assessment import (
    COUNTED_STATUSES,
    Assessment,
    AssessmentStatus,
    Response,
    Round,
    SectionAssignment,
    SectionResult,
)
from .audit import AuditEvent
from .council import Council, CouncilType
from .framework import FrameworkVersion
from .reminder import Reminder
from .user import Invitation, User, UserSession

__all__ = [
    "COUNTED_STATUSES",
    "Assessment",
    "AssessmentStatus",
    "AuditEvent",
    "Council",
    "CouncilType",
    "FrameworkVersion",
    "Invitation",
    "Reminder",
    "Response",
    "Round",
    "SectionAssignment",
    "SectionResult",
    "User",
    "UserSession",
]
