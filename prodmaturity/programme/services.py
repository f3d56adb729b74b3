"""Programme rules: deliverables, progress updates and measures, and reading them back in bulk.

Changes are audited in the same transaction. Reads load a whole page's deliverables, their latest
updates and every measure's values across rounds in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import (
    Deliverable,
    FrameworkVersion,
    Measure,
    ProgressUpdate,
    Round,
    User,
    Workstream,
)
from ..timeutil import today, utcnow
from .measures import CHANGE, MeasureKind, format_value, kind_of, validate
from .quarters import Quarter
from .stats import RoundStats, load_stats

WORKSTREAMS = (
    ("transforming-services", "Transforming services",
     "Helping councils run services that cost less, waste less or achieve more."),
    ("smarter-sourcing", "Smarter sourcing",
     "Helping councils commission, buy and manage contracts for goods, works and services."),
    ("generating-income", "Generating income",
     "Helping councils earn from their skills and assets and invest in their local economy."),
)


def ensure_workstreams() -> list[Workstream]:
    """The three programme workstreams, created when missing (they are fixed by the MOU)."""
    existing = {w.key: w for w in db.session.scalars(sa.select(Workstream))}
    for position, (key, title, description) in enumerate(WORKSTREAMS):
        if key not in existing:
            existing[key] = Workstream(key=key, title=title, description=description,
                                       position=position)
            db.session.add(existing[key])
    db.session.commit()
    return sorted(existing.values(), key=lambda w: w.position)


def workstreams() -> list[Workstream]:
    return list(db.session.scalars(sa.select(Workstream).order_by(Workstream.position)))


@dataclass(frozen=True)
class DeliverableData:
    title: str
    description: str
    owner: str
    financial_year: int
    due_quarter: int
    mou_commitment: bool
    funding_source: str
    status: str
    rag: str
    workstream_ids: tuple[int, ...]


def _snapshot(deliverable: Deliverable) -> dict[str, Any]:
    return {"title": deliverable.title, "owner": deliverable.owner,
            "financial_year": deliverable.financial_year, "due_quarter": deliverable.due_quarter,
            "mou_commitment": deliverable.mou_commitment, "status": deliverable.status,
            "rag": deliverable.rag, "funding_source": deliverable.funding_source,
            "workstreams": [w.key for w in deliverable.workstreams]}


def form_values(deliverable: Deliverable) -> dict[str, Any]:
    """A deliverable's fields as the edit form expects them (workstreams as ids)."""
    values = {name: getattr(deliverable, name) for name in DeliverableData.__dataclass_fields__
              if name != "workstream_ids"}
    return {**values, "workstreams": [w.id for w in deliverable.workstreams]}


def save_deliverable(data: DeliverableData, actor: User | None,
                     deliverable: Deliverable | None = None) -> Deliverable:
    """Create or edit a deliverable; the audit event keeps the before and after."""
    old = _snapshot(deliverable) if deliverable else None
    deliverable = deliverable or Deliverable()
    fields = asdict(data)
    ids = fields.pop("workstream_ids")
    for name, value in fields.items():
        setattr(deliverable, name, value)
    deliverable.workstreams = list(
        db.session.scalars(sa.select(Workstream).where(Workstream.id.in_(ids))))
    deliverable.updated_at = utcnow()
    db.session.add(deliverable)
    db.session.flush()
    audit.record("deliverable_updated" if old else "deliverable_created", actor=actor,
                 subject=deliverable, old=old, new=_snapshot(deliverable))
    db.session.commit()
    return deliverable


def add_progress_update(deliverable: Deliverable, quarter: Quarter, rag: str, narrative: str,
                        actor: User | None, recorded_on: date | None = None) -> ProgressUpdate:
    """Record a quarter's progress; the deliverable's RAG follows its most recent quarter."""
    update = ProgressUpdate(deliverable_id=deliverable.id, financial_year=quarter.year,
                            quarter=quarter.number, rag=rag, narrative=narrative,
                            recorded_on=recorded_on or today(),
                            created_by_id=actor.id if actor else None)
    db.session.add(update)
    latest = latest_updates([deliverable.id], None).get(deliverable.id)
    if latest is None or (latest.financial_year, latest.quarter) <= (quarter.year, quarter.number):
        deliverable.rag = rag
    db.session.flush()
    audit.record("progress_update_added", actor=actor, subject=update,
                 new=f"{quarter.label} {rag}", detail={"deliverable_id": deliverable.id})
    db.session.commit()
    return update


def latest_updates(deliverable_ids: Sequence[int],
                   up_to: Quarter | None) -> dict[int, ProgressUpdate]:
    """Each deliverable's latest update, up to and including ``up_to`` (one query)."""
    newest_first = sa.func.row_number().over(
        partition_by=ProgressUpdate.deliverable_id,
        order_by=(ProgressUpdate.financial_year.desc(), ProgressUpdate.quarter.desc(),
                  ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()),
    )
    ranked = sa.select(ProgressUpdate.id, newest_first.label("rank")).where(
        ProgressUpdate.deliverable_id.in_(deliverable_ids))
    if up_to is not None:
        ranked = ranked.where(sa.tuple_(ProgressUpdate.financial_year, ProgressUpdate.quarter)
                              <= sa.tuple_(up_to.year, up_to.number))
    ranked_sq = ranked.subquery()
    rows = db.session.scalars(
        sa.select(ProgressUpdate).join(ranked_sq, ranked_sq.c.id == ProgressUpdate.id)
        .where(ranked_sq.c.rank == 1))
    return {update.deliverable_id: update for update in rows}


def add_measure(deliverable: Deliverable, round_: Round, kind: str, *, area: str | None,
                stage: int | None, change: bool, target: float | None, label: str,
                actor: User | None) -> Measure:
    """Validate the parameters against the round's framework, then store the measure."""
    params = validate(round_.framework_version.framework, kind, area, stage, change)
    measure = Measure(deliverable_id=deliverable.id, kind=CHANGE if change else kind,
                      round_id=round_.id, parameters=params, target=target, label=label)
    db.session.add(measure)
    db.session.flush()
    audit.record("measure_added", actor=actor, subject=measure, new=label,
                 detail={"deliverable_id": deliverable.id, "kind": measure.kind,
                         "round_id": round_.id, "parameters": params, "target": target})
    db.session.commit()
    return measure


@dataclass(frozen=True)
class TrendPoint:
    round_id: int
    title: str
    value: float | None
    text: str
    current: bool


@dataclass(frozen=True)
class MeasureReading:
    """A measure as at a date: its value, target and the same measure across rounds."""

    measure: Measure
    kind: MeasureKind
    value: float | None
    text: str
    detail: str
    target_text: str | None
    target_met: bool | None
    trend: tuple[TrendPoint, ...]

    @property
    def is_change(self) -> bool:
        return self.measure.kind == CHANGE


def _series(measures: Sequence[Measure], as_at: date | None) -> dict[str, list[Round]]:
    """Rounds per framework slug, by opening date: one query for every measure's trend."""
    slugs = {m.round.slug for m in measures}
    query = (sa.select(Round).join(FrameworkVersion).where(FrameworkVersion.slug.in_(slugs))
             .order_by(Round.opens_on, Round.id))
    if as_at is not None:
        query = query.where(Round.opens_on <= as_at)
    series: dict[str, list[Round]] = defaultdict(list)
    for round_ in db.session.scalars(query):
        series[round_.slug].append(round_)
    return series


def read_measures(measures: Sequence[Measure], as_at: date | None) -> dict[int, MeasureReading]:
    """Every measure's reading, counting only returns submitted by the end of ``as_at``."""
    if not measures:
        return {}
    series = _series(measures, as_at)
    round_ids = {r.id for rounds in series.values() for r in rounds}
    item_keys = {m.parameters["item_key"] for m in measures if "item_key" in m.parameters}
    stats = load_stats(round_ids, item_keys, as_at)
    return {m.id: _reading(m, series[m.round.slug], stats) for m in measures}


def _reading(measure: Measure, rounds: list[Round], stats: RoundStats) -> MeasureReading:
    kind = kind_of(measure.kind, measure.parameters)
    change = measure.kind == CHANGE
    values: dict[int, tuple[float | None, str]] = {}
    previous: float | None = None
    for index, round_ in enumerate(rounds):
        reading = kind.evaluate(stats, round_.id, measure.parameters)
        value = reading.value
        if change:
            value = None if index == 0 or value is None or previous is None else value - previous
            previous = reading.value
        values[round_.id] = (value, reading.detail)
    value, detail = values.get(measure.round_id, (None, ""))
    target_met = None
    if value is not None and measure.target is not None:
        target_met = value >= measure.target if kind.higher_is_better else value <= measure.target
    trend = tuple(TrendPoint(r.id, r.title, values[r.id][0],
                             format_value(kind.unit, values[r.id][0], change),
                             r.id == measure.round_id) for r in rounds)
    return MeasureReading(
        measure=measure, kind=kind, value=value, text=format_value(kind.unit, value, change),
        detail="" if change else detail,
        target_text=None if measure.target is None else format_value(kind.unit, measure.target,
                                                                      change),
        target_met=target_met, trend=trend)


def deliverables(financial_year: int | None = None) -> list[Deliverable]:
    """Deliverables with their workstreams and measures loaded up front (no lazy loads)."""
    query = (sa.select(Deliverable)
             .options(selectinload(Deliverable.workstreams), selectinload(Deliverable.measures))
             .order_by(Deliverable.financial_year, Deliverable.due_quarter, Deliverable.title))
    if financial_year is not None:
        query = query.where(Deliverable.financial_year == financial_year)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Entry:
    deliverable: Deliverable
    update: ProgressUpdate | None
    readings: tuple[MeasureReading, ...]


@dataclass(frozen=True)
class WorkstreamGroup:
    workstream: Workstream
    entries: tuple[Entry, ...]


def entries(items: Sequence[Deliverable], as_at: date | None = None) -> list[Entry]:
    """Deliverables with their latest update and live measures, in a fixed number of queries."""
    updates = latest_updates([d.id for d in items], None)
    readings = read_measures([m for d in items for m in d.measures], as_at)
    return [Entry(d, updates.get(d.id), tuple(readings[m.id] for m in d.measures)) for d in items]


def dashboard() -> list[WorkstreamGroup]:
    """Each workstream with its deliverables; one that spans two workstreams shows in both."""
    all_entries = entries(deliverables())
    return [
        WorkstreamGroup(w, tuple(e for e in all_entries if w in e.deliverable.workstreams))
        for w in workstreams()
    ]


def updates_for(deliverable: Deliverable) -> list[ProgressUpdate]:
    return list(db.session.scalars(
        sa.select(ProgressUpdate).where(ProgressUpdate.deliverable_id == deliverable.id)
        .order_by(ProgressUpdate.financial_year.desc(), ProgressUpdate.quarter.desc(),
                  ProgressUpdate.created_at.desc())))


def financial_years(around: date | None = None) -> list[int]:
    """Years offered in forms: the programme's first plan year (2017/18) to next year."""
    return list(range(2017, Quarter.containing(around or today()).year + 2))


def rounds_newest_first() -> list[Round]:
    return list(db.session.scalars(sa.select(Round).order_by(Round.opens_on.desc(), Round.id)))
