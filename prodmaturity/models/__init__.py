"""All models, imported here so Alembic and the app see the whole metadata."""

from .api_token import ApiToken
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
from .programme import (
    Deliverable,
    DeliverableStatus,
    Measure,
    ProgrammeRag,
    ProgressUpdate,
    Workstream,
)
from .reminder import Reminder
from .user import EmailCode, Invitation, RecoveryCode, User, UserSession

__all__ = [
    "COUNTED_STATUSES",
    "ApiToken",
    "Assessment",
    "AssessmentStatus",
    "AuditEvent",
    "Council",
    "CouncilType",
    "Deliverable",
    "DeliverableStatus",
    "EmailCode",
    "FrameworkVersion",
    "Invitation",
    "Measure",
    "ProgrammeRag",
    "ProgressUpdate",
    "RecoveryCode",
    "Reminder",
    "Response",
    "Round",
    "SectionAssignment",
    "SectionResult",
    "User",
    "UserSession",
    "Workstream",
]
