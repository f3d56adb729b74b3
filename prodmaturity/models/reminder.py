"""Reminders the LGA sent to councils that had not yet submitted in a round.

Kept as rows (not only audit events) so the chase list can show "last reminded" and the
24-hour rule can be checked with one indexed query.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class Reminder(db.Model):
    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_round.id"))
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("council.id"))
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recipients: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.Index("ix_reminder_round_council_sent", "round_id", "council_id", "sent_at"),
    )
