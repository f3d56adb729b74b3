"""The LGA productivity programme: workstreams, deliverables, quarterly updates and live measures.

A measure is a row (kind, round, parameters), not code: the kinds are declared once in
``prodmaturity.programme.measures`` and every value is computed from a round's stored results.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .assessment import Round
from .user import User


class ProgrammeRag(enum.StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DeliverableStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


deliverable_workstream = sa.Table(
    "deliverable_workstream",
    db.metadata,
    sa.Column("deliverable_id", sa.ForeignKey("deliverable.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("workstream_id", sa.ForeignKey("workstream.id"), primary_key=True),
)


class Workstream(db.Model):
    __tablename__ = "workstream"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Deliverable(db.Model):
    __tablename__ = "deliverable"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(120))
    # The first calendar year of the financial year: 2018 is 2018/19 (April to March).
    financial_year: Mapped[int] = mapped_column(index=True)
    due_quarter: Mapped[int]
    mou_commitment: Mapped[bool] = mapped_column(default=False)
    funding_source: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=DeliverableStatus.NOT_STARTED.value)
    rag: Mapped[str] = mapped_column(sa.String(10), default=ProgrammeRag.GREEN.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    workstreams: Mapped[list[Workstream]] = relationship(
        secondary=deliverable_workstream, order_by=Workstream.position
    )
    measures: Mapped[list[Measure]] = relationship(
        order_by="Measure.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def status_label(self) -> str:
        return DeliverableStatus(self.status).label

    @property
    def rag_label(self) -> str:
        return ProgrammeRag(self.rag).label


class ProgressUpdate(db.Model):
    """One quarter's progress note: the board sees the latest one up to the quarter it reads."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_progress_update_period, which starts with it.
    deliverable_id: Mapped[int] = mapped_column(sa.ForeignKey("deliverable.id", ondelete="CASCADE"))
    financial_year: Mapped[int]
    quarter: Mapped[int]
    recorded_on: Mapped[date]
    rag: Mapped[str] = mapped_column(sa.String(10))
    narrative: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_progress_update_period", "deliverable_id", "financial_year", "quarter"),
    )

    @property
    def rag_label(self) -> str:
        return ProgrammeRag(self.rag).label


class Measure(db.Model):
    """A live figure on a deliverable: a measure kind applied to a round with parameters."""

    __tablename__ = "programme_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(
        sa.ForeignKey("deliverable.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_round.id"), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    target: Mapped[float | None]
    label: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(lazy="joined")
