"""Demo rounds for `flask demo`: a closed earlier round and an open round of each shipped framework.

Every council active on a round's first day takes part, with a believable mix of statuses and
answers, so comparisons and history have something to show. Answers come from random generators
seeded by framework, council and round, so two runs on two databases give the same data. A round
whose title exists already is skipped, so what people entered is never overwritten. Rows are
written in bulk and results use ``stored_values``, the same scoring ``compute_and_store`` uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ..demo import demo_step
from ..extensions import db
from ..frameworks import load_framework_file, shipped_framework_paths
from ..frameworks.model import Framework, MaturityItem, Question
from ..frameworks.store import store_framework
from ..models import AuditEvent, Council, User
from ..models.assessment import Assessment, Response, Round, SectionResult
from ..permissions import Role
from ..scoring import MaturityAnswer, QuestionAnswer, QuestionnaireResult, score
from ..timeutil import today as utc_today
from .results import stored_values

S_NOT, S_PROGRESS, S_SUBMITTED, S_RETURNED, S_ACCEPTED = (
    "not_started", "in_progress", "submitted", "returned", "accepted")
CLOSED_MIX = ((S_ACCEPTED, 72), (S_SUBMITTED, 8), (S_PROGRESS, 7), (S_NOT, 13))
OPEN_MIX = ((S_NOT, 22), (S_PROGRESS, 33), (S_SUBMITTED, 18), (S_RETURNED, 4), (S_ACCEPTED, 23))
# The demo councils' statuses, so each demo sign-in sees a different part of the journey.
CLOSED_DEMO = {"E08000035": S_ACCEPTED, "E10000016": S_ACCEPTED, "E09000007": S_ACCEPTED,
               "E06000052": S_SUBMITTED, "E07000203": S_ACCEPTED}
OPEN_DEMO = {"E08000035": S_PROGRESS, "E10000016": S_SUBMITTED, "E09000007": S_NOT,
             "E06000052": S_RETURNED, "E07000203": S_ACCEPTED}
ANSWERED = (S_SUBMITTED, S_RETURNED, S_ACCEPTED)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Believable shapes: some key areas and sections are stronger than others.
ITEM_SHIFT = {"managing-contracts-and-relationships": 0.4, "engaging-senior-managers": 0.3,
              "managing-strategic-risk": 0.1, "obtaining-social-value": -0.2,
              "enabling-vcse-engagement": -0.3, "enabling-innovation": -0.4,
              "exploiting-digital-technology": -0.2}
SECTION_SHIFT = {"technology": 0.13, "leadership": 0.04, "governance": 0.0,
                 "partnerships": -0.04, "training": -0.15}
COMMENTS = (
    "Agreed at management team this spring.", "Evidence is in the procurement strategy.",
    "An improvement plan is in place for next year.", "Varies between directorates.",
    "Reviewed by internal audit last year.", "Shared service arrangement covers this.",
    "New post recruited to lead this work.", "Not yet consistent across all contracts.",
    "Councillor working group set up.", "Depends on funding from the next budget round.",
)
SIGN_OFF_NAMES = ("Sarah Thompson", "David Patel", "Claire Roberts", "Mohammed Hussain",
                  "Joanne Evans", "Richard Clarke", "Amanda Lewis", "Neil Harrison")
SIGN_OFF_ROLES = ("Chief Executive", "Director of Resources", "Section 151 Officer",
                  "Head of Procurement", "Senior Information Risk Owner", "Head of Digital")
FREE_TEXT = ("Regional WARP and neighbouring councils.", "Our shared IT service partner.",
             "Local resilience forum members.", "None at present.")


@dataclass(frozen=True)
class RoundPlan:
    slug: str
    title: str
    opens_on: date
    closes_on: date
    mix: tuple[tuple[str, int], ...]
    demo: dict[str, str]
    uplift: float = 0.0


def round_plans(today: date) -> list[RoundPlan]:
    """The four demo rounds: a 2018 round and a current one for each shipped framework."""
    year = today.year if today.month >= 4 else today.year - 1
    opens, closes = today - timedelta(days=30), today + timedelta(days=45)
    old_opens, old_closes = date(2018, 7, 1), date(2018, 9, 30)
    return [
        RoundPlan("nps-2018", "NPS self-assessment 2018/19", old_opens, old_closes, CLOSED_MIX,
                  CLOSED_DEMO),
        RoundPlan("nps-2018", f"NPS self-assessment {year}/{(year + 1) % 100:02d}", opens, closes,
                  OPEN_MIX, OPEN_DEMO, uplift=0.35),
        RoundPlan("cyber-stocktake-2018", "Cyber security stock-take 2018", old_opens, old_closes,
                  CLOSED_MIX, CLOSED_DEMO),
        RoundPlan("cyber-stocktake-2018", f"Cyber security stock-take {today.year}", opens,
                  closes, OPEN_MIX, OPEN_DEMO, uplift=0.04),
    ]


@demo_step
def demo_rounds() -> str:
    """Add each demo round that is missing; report what each contains."""
    today = utc_today()
    versions = {path.stem: store_framework(load_framework_file(path)).version
                for path in shipped_framework_paths()}
    lines = []
    for plan in round_plans(today):
        if db.session.scalar(sa.select(Round.id).where(Round.title == plan.title)):
            lines.append(f"  {plan.title}: already there, left as it is")
            continue
        counts = _add_round(plan, versions[plan.slug], today)
        summary = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items())
        lines.append(f"  {plan.title}: {summary}")
        db.session.commit()
    return "Demo rounds:\n" + "\n".join(lines)


@dataclass
class _Context:
    framework: Framework
    round_id: int
    plan: RoundPlan
    today: date
    leads: dict[int, int]
    admin_id: int | None
    references: set[str]
    assessments: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    sections: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    events: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def _add_round(plan: RoundPlan, version: Any, today: date) -> dict[str, int]:
    round_ = Round(framework_version_id=version.id, title=plan.title, opens_on=plan.opens_on,
                   closes_on=plan.closes_on)
    db.session.add(round_)
    db.session.flush()
    councils = db.session.execute(
        sa.select(Council.id, Council.gss_code).where(Council.active_on_clause(plan.opens_on))
        .order_by(Council.gss_code)).all()
    leads = dict(db.session.execute(
        sa.select(User.council_id, sa.func.min(User.id))
        .where(User.role == Role.COUNCIL_LEAD.value).group_by(User.council_id)).all())
    admin_id = db.session.scalar(sa.select(sa.func.min(User.id))
                                 .where(User.role == Role.LGA_ADMIN.value))
    references = set(db.session.scalars(sa.select(Assessment.reference)
                                         .where(Assessment.reference.is_not(None))))
    context = _Context(version.framework, round_.id, plan, today, leads, admin_id, references)
    counts: dict[str, int] = dict.fromkeys((status for status, _ in plan.mix), 0)
    for council_id, gss_code in councils:
        status = _plan_council(context, council_id, gss_code)
        counts[status] += 1
    _write(context)
    return counts


def _plan_council(context: _Context, council_id: int, gss_code: str) -> str:
    plan, framework = context.plan, context.framework
    rng = random.Random(f"{plan.slug}:{gss_code}:{plan.opens_on.year}")
    statuses, weights = zip(*plan.mix, strict=True)
    status = plan.demo.get(gss_code) or rng.choices(statuses, weights)[0]
    row: dict[str, Any] = {"round_id": context.round_id, "council_id": council_id,
                           "status": status, "created_at": _at(plan.opens_on, 8, 0)}
    context.assessments.append(row)
    if status == S_NOT:
        return status
    level = random.Random(f"{plan.slug}:{gss_code}").gauss(0, 1)
    answers = _answers(framework, rng, level + plan.uplift / _spread(framework))
    if status == S_PROGRESS:
        keep = max(1, int(len(answers) * rng.uniform(0.25, 0.85)))
        answers = dict(list(answers.items())[:keep])
    result = score(framework, answers)
    responses = _response_rows(framework, result, answers, rng)
    context.answers[council_id] = responses
    events = context.events.setdefault(council_id, [])
    started = plan.opens_on + timedelta(days=rng.randint(0, 10))
    row["last_activity_at"] = _at(started, 9 + rng.randint(0, 7), rng.randint(0, 59))
    events.append(_event(None, S_NOT, S_PROGRESS, row["last_activity_at"]))
    if status in ANSWERED:
        _stamp_submission(context, row, rng, started, council_id, events)
        values = stored_values(framework, result)
        row.update(values.assessment)
        context.sections[council_id] = values.sections
    for response in responses:
        response["updated_at"] = row["last_activity_at"]
    return status


def _spread(framework: Framework) -> float:
    """How far one unit of council "level" moves answers: stages, or a share of the points."""
    return 0.55 if framework.kind == "maturity" else 0.09


def _answers(framework: Framework, rng: random.Random, level: float
             ) -> dict[str, MaturityAnswer | QuestionAnswer]:
    answers: dict[str, MaturityAnswer | QuestionAnswer] = {}
    for section in framework.sections:
        for item in section.items:
            if isinstance(item, MaturityItem):
                centre = 2.45 + 0.55 * level + ITEM_SHIFT.get(item.key, 0.0)
                current = min(5, max(1, round(rng.gauss(centre, 0.7))))
                target = min(len(framework.stages), current + rng.choice((0, 1, 1, 1, 2)))
                answers[item.key] = MaturityAnswer(current, target)
            else:
                assert isinstance(item, Question)
                share = 0.54 + 0.09 * level + SECTION_SHIFT.get(section.key, 0.0)
                answers[item.key] = _question_answer(item, rng, share)
    return answers


def _question_answer(question: Question, rng: random.Random, share: float) -> QuestionAnswer:
    if question.allow_na and rng.random() < 0.08:
        return QuestionAnswer(not_applicable=True)
    p = min(1.0, max(0.0, rng.gauss(share, 0.2)))
    if question.type == "number":
        return QuestionAnswer(float(rng.randint(0, 9)))
    if question.type == "free_text":
        return QuestionAnswer(rng.choice(FREE_TEXT))
    if question.type == "multiple_choice":
        return QuestionAnswer([o.value for o in question.options if rng.random() < p])
    options = sorted(question.options, key=lambda option: option.points)
    index = min(len(options) - 1, int(p * len(options)))
    if question.critical:
        index = 0 if rng.random() < 0.007 else max(1, index)
    return QuestionAnswer(options[index].value)


def _response_rows(framework: Framework, result: Any, answers: dict[str, Any],
                   rng: random.Random) -> list[dict[str, Any]]:
    """Response rows with the points stored as ``response_points`` would store them."""
    scored = ({q.key: q for q in result.questions} if isinstance(result, QuestionnaireResult)
              else {})
    rows = []
    for key, answer in answers.items():
        item = framework.item(key)
        row = {"section_key": framework.section_of(key).key, "item_key": key,
               "comment": rng.choice(COMMENTS) if rng.random() < 0.25 else None}
        if isinstance(answer, MaturityAnswer):
            row |= {"current_stage": answer.current, "target_stage": answer.target,
                    "answer": None, "not_applicable": False, "points": None,
                    "max_points": None, "at_lowest": answer.current == 1}
        else:
            assert isinstance(item, Question)
            q = scored[key]
            at_lowest = q.points is not None and q.points <= item.lowest_points * item.weight
            row |= {"current_stage": None, "target_stage": None, "answer": answer.value,
                    "not_applicable": answer.not_applicable, "points": q.points,
                    "max_points": q.max_points, "at_lowest": at_lowest}
        rows.append(row)
    return rows


def _stamp_submission(context: _Context, row: dict[str, Any], rng: random.Random,
                      started: date, council_id: int, events: list[dict[str, Any]]) -> None:
    plan = context.plan
    last_day = min(plan.closes_on, context.today)
    submitted_on = min(last_day, started + timedelta(days=rng.randint(5, 40)))
    submitted_at = _at(submitted_on, 10 + rng.randint(0, 6), rng.randint(0, 59))
    lead = context.leads.get(council_id)
    reference = _reference(context, rng, submitted_on)
    row |= {"submitted_at": submitted_at, "submitted_by_id": lead,
            "sign_off_name": rng.choice(SIGN_OFF_NAMES),
            "sign_off_role": rng.choice(SIGN_OFF_ROLES), "reference": reference,
            "last_activity_at": submitted_at}
    events.append(_event(lead, S_PROGRESS, S_SUBMITTED, submitted_at,
                         {"reference": reference, "sign_off_name": row["sign_off_name"],
                          "sign_off_role": row["sign_off_role"]}))
    if row["status"] == S_SUBMITTED:
        return
    decided_on = min(context.today, submitted_on + timedelta(days=rng.randint(1, 20)))
    decided_at = max(submitted_at + timedelta(hours=2), _at(decided_on, 15, 30))
    row["decided_by_id"] = context.admin_id
    if row["status"] == S_ACCEPTED:
        row["accepted_at"] = decided_at
        events.append(_event(context.admin_id, S_SUBMITTED, S_ACCEPTED, decided_at))
    else:
        reason = "Please add comments to explain the stages chosen for the enablers."
        row |= {"returned_at": decided_at, "return_reason": reason}
        events.append(_event(context.admin_id, S_SUBMITTED, S_RETURNED, decided_at,
                             {"reason": reason}))


def _reference(context: _Context, rng: random.Random, day: date) -> str:
    prefix = context.plan.slug.split("-")[0].upper()[:8]
    while True:
        code = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"{prefix}-{day.year}-{code}"
        if reference not in context.references:
            context.references.add(reference)
            return reference


def _event(actor_id: int | None, old: str, new: str, at: datetime,
           detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"actor_id": actor_id, "action": "assessment_status_changed",
            "subject_type": "Assessment", "old_value": old, "new_value": new,
            "occurred_at": at, "detail": detail}


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _write(context: _Context) -> None:
    """Insert the round's rows in bulk: assessments, then responses, results and audit events."""
    db.session.execute(sa.insert(Assessment), context.assessments)
    ids = dict(db.session.execute(
        sa.select(Assessment.council_id, Assessment.id)
        .where(Assessment.round_id == context.round_id)).all())
    responses = [{"assessment_id": ids[c], **r} for c, rows in context.answers.items()
                 for r in rows]
    sections = [{"assessment_id": ids[c], **r} for c, rows in context.sections.items()
                for r in rows]
    events = [{"council_id": c, "subject_id": ids[c], **e} for c, rows in context.events.items()
              for e in rows]
    for model, rows in ((Response, responses), (SectionResult, sections),
                        (AuditEvent, events)):
        if rows:
            db.session.execute(sa.insert(model), rows)
