"""An assessment's history: every answer and status change, newest first.

All events about an assessment (answers, status, deadlines, assignments) name the assessment as
their subject, so the history is one indexed query on ``(subject_type, subject_id)``.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import Assessment, AuditEvent

ACTION_LABELS = {
    "response_changed": "Answer changed",
    "assessment_status_changed": "Status changed",
    "answers_carried_forward": "Answers carried forward",
    "section_assigned": "Section assigned",
    "assessment_deadline_extended": "Deadline extended",
}


def history(assessment: Assessment, page: int = 1, per_page: int = 25) -> Pagination:
    """One page of the assessment's audit events, newest first."""
    query = (sa.select(AuditEvent)
             .where(AuditEvent.subject_type == Assessment.__name__,
                    AuditEvent.subject_id == assessment.id)
             .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())
