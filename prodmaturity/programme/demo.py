"""Demo programme: the 2018/19 plan's new deliverables (in our own words), with live measures.

Runs after the assessments demo step (imported first below), because measures point at its
rounds, found by title or, for the current rounds, as the newest round of each framework. A
measure whose round is missing is skipped; anything already there is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..assessments import demo as _assessments_demo  # noqa: F401  (its rounds step runs first)
from ..demo import demo_step
from ..extensions import db
from ..models import Deliverable, FrameworkVersion, Measure, ProgressUpdate, Round, Workstream
from ..timeutil import today
from . import services
from .quarters import Quarter

NPS_2018 = "NPS self-assessment 2018/19"
CYBER_2018 = "Cyber security stock-take 2018"
LATEST = {"nps": "nps-2018", "cyber": "cyber-stocktake-2018"}  # newest round of the framework


@dataclass(frozen=True)
class DemoMeasure:
    label: str
    round: str  # a round title, or a key of LATEST
    kind: str
    area: str | None = None
    stage: int | None = None
    change: bool = False
    target: float | None = None


@dataclass(frozen=True)
class DemoDeliverable:
    title: str
    workstreams: tuple[str, ...]
    description: str
    owner: str
    due_quarter: int
    mou: bool
    funding: str
    status: str
    updates: tuple[tuple[int, str, str], ...] = ()  # (quarter, RAG, narrative)
    measures: tuple[DemoMeasure, ...] = ()
    year: int = 2018


MHCLG = "MHCLG grant (MOU)"
DELIVERABLES = (
    DemoDeliverable(
        "Digital housing pilot", ("transforming-services",),
        "Reuse the digital housing tools built by a group of Kent councils in more places, and "
        "make them available nationally if the pilot works.",
        "Productivity team", 4, True, MHCLG, "in_progress",
        updates=((1, "green", "Pilot councils agreed and a project board set up."),
                 (2, "amber", "Second wave of councils delayed by procurement of hosting."))),
    DemoDeliverable(
        "Cyber security stock-take and sector improvement plan",
        ("transforming-services",),
        "Find out how every English council manages cyber security today, then agree and deliver "
        "a sector-wide plan so councils can better prevent and recover from attacks.",
        "Cyber security programme", 4, True, "Cabinet Office grant (£1.5m)", "in_progress",
        updates=((1, "green", "Questionnaire agreed with the Cabinet Office and opened to all "
                              "councils in June."),
                 (2, "green", "Most councils have responded; individual reports are being "
                              "prepared and grant criteria drafted.")),
        measures=(
            DemoMeasure("Returns received", CYBER_2018, "returns_received", target=100),
            DemoMeasure("Councils rated red overall", CYBER_2018, "councils_rated_red", target=0),
            DemoMeasure("Councils with a critical gap", CYBER_2018, "councils_with_critical_gap"),
            DemoMeasure("Average score: training and awareness", CYBER_2018, "average_percent",
                        area="training", target=65),
        )),
    DemoDeliverable(
        "Characteristics of efficient councils", ("transforming-services",),
        "Work with MHCLG to bring data together and understand what the most efficient and "
        "effective councils have in common.",
        "Research and information", 3, True, MHCLG, "not_started",
        updates=((2, "amber", "Data sharing agreement with MHCLG still being finalised."),)),
    DemoDeliverable(
        "Launch the National Procurement Strategy 2018 with a maturity model",
        ("smarter-sourcing",),
        "Publish the strategy in July with a five-stage maturity model that councils use to "
        "assess themselves, and report the national picture.",
        "Procurement team", 2, True, MHCLG, "complete",
        updates=((1, "green", "Strategy and toolkit signed off for launch at the July "
                              "conference."),
                 (2, "green", "Launched in July; councils are completing the self-assessment.")),
        measures=(
            DemoMeasure("Councils that have self-assessed", NPS_2018, "returns_received",
                        target=50),
            DemoMeasure("Councils at Mature or above overall", NPS_2018, "share_at_stage",
                        stage=3, target=50),
            DemoMeasure("Councils at Mature or above in engaging councillors", NPS_2018,
                        "share_at_stage", area="engaging-councillors", stage=3),
            DemoMeasure("Average stage in behaving commercially", NPS_2018, "average_stage",
                        area="behaving-commercially"),
        )),
    DemoDeliverable(
        "Support on strategic suppliers", ("smarter-sourcing",),
        "Help councils with large or strategic spend on particular suppliers, and reduce their "
        "exposure when a supplier runs into financial trouble.",
        "Procurement team", 4, False, MHCLG, "in_progress",
        updates=((2, "green", "Supplier risk guidance drafted with the Cabinet Office."),)),
    DemoDeliverable(
        "Refreshed commercial skills training for officers", ("generating-income",),
        "A new commercial skills offer for council officers, delivered with the Institute of "
        "Directors.",
        "Commercial team", 3, True, MHCLG, "in_progress",
        updates=((2, "green", "Course content agreed; first cohort recruited."),)),
    DemoDeliverable(
        "Commercial skills masterclasses for councillors",
        ("generating-income", "transforming-services"),
        "Three masterclasses for councillors, building on the pilots.",
        "Leadership and localism", 4, False, MHCLG, "not_started",
        updates=((2, "amber", "Dates being agreed with venues; one masterclass may slip into "
                              "the new year."),)),
)


def _current_deliverable() -> DemoDeliverable:
    """This year's tracking deliverable, measured on the demo's open rounds."""
    return DemoDeliverable(
        "Track councils' progress since 2018", ("smarter-sourcing", "transforming-services"),
        "Follow how councils' procurement maturity and cyber arrangements have changed since the "
        "first national rounds.", "Research and information", 4, False, MHCLG, "in_progress",
        year=Quarter.containing(today()).year,
        measures=(
            DemoMeasure("NPS returns received", "nps", "returns_received", target=60),
            DemoMeasure("Change in councils at Mature or above", "nps", "share_at_stage",
                        stage=3, change=True, target=10),
            DemoMeasure("Change in average cyber score", "cyber", "average_percent",
                        change=True),
        ))


def _round(name: str) -> Round | None:
    if name in LATEST:
        return db.session.scalar(
            sa.select(Round).join(FrameworkVersion).where(FrameworkVersion.slug == LATEST[name])
            .order_by(Round.opens_on.desc(), Round.id.desc()).limit(1))
    return db.session.scalar(sa.select(Round).where(Round.title == name))


def _ensure(plan: DemoDeliverable, workstreams: dict[str, Workstream]) -> tuple[int, int]:
    item = db.session.scalar(sa.select(Deliverable).where(Deliverable.title == plan.title))
    if item is None:
        item = services.save_deliverable(services.DeliverableData(
            plan.title, plan.description, plan.owner, plan.year, plan.due_quarter, plan.mou,
            plan.funding, plan.status, plan.updates[-1][1] if plan.updates else "green",
            tuple(workstreams[key].id for key in plan.workstreams)), None)
    have = {(year, number) for year, number in db.session.execute(
        sa.select(ProgressUpdate.financial_year, ProgressUpdate.quarter)
        .where(ProgressUpdate.deliverable_id == item.id))}
    for number, rag, narrative in plan.updates:
        quarter = Quarter(plan.year, number)
        if (quarter.year, quarter.number) not in have:
            services.add_progress_update(item, quarter, rag, narrative, None,
                                         recorded_on=min(quarter.ends_on, today()))
    labels = set(db.session.scalars(sa.select(Measure.label)
                                    .where(Measure.deliverable_id == item.id)))
    added = skipped = 0
    for m in plan.measures:
        round_ = _round(m.round)
        if round_ is None:
            skipped += 1
        elif m.label not in labels:
            services.add_measure(item, round_, m.kind, area=m.area, stage=m.stage,
                                 change=m.change, target=m.target, label=m.label, actor=None)
            added += 1
    return added, skipped


@demo_step
def demo_programme() -> str:
    """Add the programme's deliverables, updates and measures that are missing."""
    workstreams = {w.key: w for w in services.ensure_workstreams()}
    added = skipped = 0
    plans = (*DELIVERABLES, _current_deliverable())
    for plan in plans:
        a, s = _ensure(plan, workstreams)
        added, skipped = added + a, skipped + s
    note = f", {skipped} skipped (round missing)" if skipped else ""
    return f"Programme: {len(plans)} deliverables, {added} measures added{note}"

