"""Rounds: the LGA opens one per framework version, and every participating council gets a row.

Creating the round and its assessments is one transaction, so a round never exists with only
some of its councils invited. Deadlines move only later, never earlier: councils plan by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models import Assessment, Council, FrameworkVersion, Round, User


class RoundError(ValueError):
    """A round or deadline change that is not allowed; the message is shown as it is."""


def participants_on(day: date) -> list[Council]:
    """Every council that exists on the given day: the default participants of a round."""
    return list(db.session.scalars(
        sa.select(Council).where(Council.active_on_clause(day)).order_by(Council.name)))


def create_round(version: FrameworkVersion, *, title: str, opens_on: date, closes_on: date,
                 actor: User, councils: Sequence[Council] | None = None) -> Round:
    """Open a round with one not-started assessment per participating council."""
    title = title.strip()
    if not title:
        raise RoundError("Enter a title for the round")
    if closes_on < opens_on:
        raise RoundError("The closing date must be the same as or after the opening date")
    chosen = participants_on(opens_on) if councils is None else list(councils)
    inactive = [c.name for c in chosen if not c.active_on(opens_on)]
    if inactive:
        raise RoundError(f"These councils do not exist on the opening date: {', '.join(inactive)}")
    if not chosen:
        raise RoundError("Choose at least one council to take part")
    round_ = Round(framework_version_id=version.id, title=title, opens_on=opens_on,
                   closes_on=closes_on, created_by_id=actor.id)
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(Assessment(round_id=round_.id, council_id=c.id) for c in chosen)
    audit.record("round_created", actor=actor, subject=round_, new=title,
                 detail={"framework": version.label, "opens_on": opens_on.isoformat(),
                         "closes_on": closes_on.isoformat(), "councils": len(chosen)})
    db.session.commit()
    return round_


def extend_round(round_: Round, closes_on: date, actor: User) -> None:
    """Move the whole round's closing date later."""
    if closes_on <= round_.closes_on:
        raise RoundError("The new closing date must be after the current one")
    old = round_.closes_on
    round_.closes_on = closes_on
    audit.record("round_deadline_extended", actor=actor, subject=round_, old=old.isoformat(),
                 new=closes_on.isoformat())
    db.session.commit()


def extend_council_deadline(assessment: Assessment, deadline: date, actor: User) -> None:
    """Give one council a later deadline than the round's (an LGA extension)."""
    if deadline <= assessment.deadline:
        raise RoundError("The new deadline must be after the council's current deadline")
    old = assessment.deadline
    assessment.deadline_override = deadline
    audit.record("assessment_deadline_extended", actor=actor, council_id=assessment.council_id,
                 subject=assessment, old=old.isoformat(), new=deadline.isoformat())
    db.session.commit()


def council_assessment(assessment_id: int, council_id: int | None) -> Assessment | None:
    """The tenant check: an assessment only if it belongs to the given council."""
    if council_id is None:
        return None
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.id == assessment_id, Assessment.council_id == council_id))


def council_assessments(council_id: int, today: date, *, open_only: bool = False
                        ) -> list[Assessment]:
    """A council's assessments in rounds that have opened, newest round first."""
    query = (sa.select(Assessment).join(Round, Assessment.round_id == Round.id)
             .where(Assessment.council_id == council_id, Round.opens_on <= today)
             .order_by(Round.opens_on.desc(), Round.id.desc()))
    assessments = list(db.session.scalars(query))
    if open_only:
        assessments = [a for a in assessments if a.deadline >= today]
    return assessments


def rounds_with_counts() -> list[tuple[Round, dict[str, int]]]:
    """Every round, newest first, with how many of its assessments are in each status."""
    rounds = list(db.session.scalars(
        sa.select(Round).order_by(Round.opens_on.desc(), Round.id.desc())))
    counts: dict[int, dict[str, int]] = {r.id: {} for r in rounds}
    rows = db.session.execute(
        sa.select(Assessment.round_id, Assessment.status, sa.func.count())
        .group_by(Assessment.round_id, Assessment.status))
    for round_id, status, count in rows:
        counts.setdefault(round_id, {})[status] = count
    return [(r, counts[r.id]) for r in rounds]


def round_assessments(round_: Round) -> list[Assessment]:
    return list(db.session.scalars(
        sa.select(Assessment).join(Council, Assessment.council_id == Council.id)
        .where(Assessment.round_id == round_.id).order_by(Council.name)))
