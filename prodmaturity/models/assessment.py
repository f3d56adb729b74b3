"""Rounds, each council's assessment in a round, its responses and its stored results.

An assessment row exists for every council taking part (status "not_started" until someone saves
an answer), so "invited" is simply "has an assessment in the round".
Results are computed by the pure scoring functions and stored per assessment and section, so the
LGA's aggregates are GROUP BY queries over small tables, never Python loops over responses.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .council import Council
from .framework import FrameworkVersion
from .user import User


class AssessmentStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Statuses whose answers count in comparisons and aggregates.
COUNTED_STATUSES = (AssessmentStatus.SUBMITTED.value, AssessmentStatus.ACCEPTED.value)


class Round(db.Model):
    __tablename__ = "assessment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_version.id"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    framework_version: Mapped[FrameworkVersion] = relationship(lazy="joined")

    def status_on(self, day: date) -> str:
        if day < self.opens_on:
            return "upcoming"
        return "open" if day <= self.closes_on else "closed"

    @property
    def slug(self) -> str:
        return self.framework_version.slug


class Assessment(db.Model):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_round.id"))
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("council.id"), index=True)
    status: Mapped[str] = mapped_column(
        sa.String(20), default=AssessmentStatus.NOT_STARTED.value, index=True
    )
    # A later deadline for this council only (the LGA's extension).
    deadline_override: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    sign_off_name: Mapped[str | None] = mapped_column(sa.String(120))
    sign_off_role: Mapped[str | None] = mapped_column(sa.String(120))
    reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(sa.Text)
    accepted_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Stored results (see module docstring); None until computed.
    overall_percent: Mapped[float | None]
    overall_band: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    overall_median_stage: Mapped[float | None]
    overall_mean_stage: Mapped[float | None]
    share_mature: Mapped[float | None]
    critical_failures: Mapped[int | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    round: Mapped[Round] = relationship(lazy="joined")
    council: Mapped[Council] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    __table_args__ = (
        sa.UniqueConstraint("round_id", "council_id", name="uq_assessment_round_council"),
        sa.Index("ix_assessment_round_status", "round_id", "status"),
        # The LGA's council list sorts by last activity; critical gaps filter on failures.
        sa.Index("ix_assessment_round_activity", "round_id", "last_activity_at"),
        sa.Index("ix_assessment_round_critical", "round_id", "critical_failures"),
    )

    @property
    def status_enum(self) -> AssessmentStatus:
        return AssessmentStatus(self.status)

    @property
    def deadline(self) -> date:
        return max(self.deadline_override or self.round.closes_on, self.round.closes_on)


class Response(db.Model):
    """One council's answer to one item; ``version`` guards against lost updates."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"))
    section_key: Mapped[str] = mapped_column(sa.String(60))
    item_key: Mapped[str] = mapped_column(sa.String(60))
    current_stage: Mapped[int | None]
    target_stage: Mapped[int | None]
    answer: Mapped[Any | None] = mapped_column(sa.JSON)
    not_applicable: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    # Scored on save from the pinned framework, so SQL can count failures and sum points.
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    at_lowest: Mapped[bool] = mapped_column(default=False)
    carried_forward: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "item_key", name="uq_response_assessment_item"),
        # Covers the LGA stage aggregates: reached through assessment_id, so their cost follows
        # the round's councils, not every response ever stored.
        sa.Index("ix_response_assessment_stage", "assessment_id", "current_stage", "item_key",
                 "target_stage", "carried_forward"),
    )


class SectionAssignment(db.Model):
    __tablename__ = "section_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"))
    section_key: Mapped[str] = mapped_column(sa.String(60))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "section_key", name="uq_section_assignment"),
    )


class SectionResult(db.Model):
    """One section's stored result for one assessment (percent and RAG, or stage statistics)."""

    __tablename__ = "section_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"))
    section_key: Mapped[str] = mapped_column(sa.String(60))
    percent: Mapped[float | None]
    band: Mapped[str | None] = mapped_column(sa.String(20))
    median_stage: Mapped[float | None]
    mean_stage: Mapped[float | None]
    share_mature: Mapped[float | None]
    answered: Mapped[int] = mapped_column(default=0)
    critical_failures: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "section_key", name="uq_section_result"),
        sa.Index("ix_section_result_section", "section_key", "band"),
    )
