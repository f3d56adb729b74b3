"""The benchmark data set: every council of 2018 and of today, five rounds of each framework.

Each shipped framework gets four closed rounds (2018, 2019, 2021, 2023) and one open now; every
council active on a round's first day takes part and answers every item, with comments of
varied length (some Unicode, some long). Each council has a lead and two officers; every save,
submission and decision leaves an audit event. ``--scale N`` adds (N - 1) synthetic copies of
the register, active throughout, for stress runs.

Deterministic for a seed and a day: every council's answers come from a generator seeded by
(seed, framework, round, GSS code), so a round's data are the same whichever other rounds are
generated beside it (the 1-round and 10-round databases of the history benchmark share them).
Rows go in with bulk ``insert`` and results come from ``stored_values``, the scoring that
``compute_and_store`` uses at submission, so 1x takes seconds rather than minutes.

    python -m bench.generate --scale 1 --seed 2018 --database-url sqlite:///bench/results/x.db
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import sqlalchemy as sa

from prodmaturity.frameworks.model import Framework, MaturityItem, Question

BASE_DAY = datetime(2018, 4, 1, 9, 0)  # created_at of councils and people: fixed, so seeded
ROUND_YEARS = (2018, 2019, 2021, 2023)  # the closed rounds; the fifth is open today
TITLES = {"nps-2018": "NPS self-assessment", "cyber-stocktake-2018": "Cyber security stock-take"}
CLOSED_MIX = (("accepted", 85), ("submitted", 15))
OPEN_MIX = (("in_progress", 40), ("submitted", 25), ("accepted", 25), ("returned", 10))
SCORED_STATUSES = ("submitted", "returned", "accepted")  # results stored at submission
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

FIRST_NAMES = ("Sarah", "David", "Claire", "Mohammed", "Joanne", "Richard", "Amanda", "Neil",
               "Siobhán", "Zoë", "Łukasz", "Aoife", "Chidi", "Priya", "Rhys", "Björn")
LAST_NAMES = ("Thompson", "Patel", "Roberts", "Hussain", "Evans", "Clarke", "Lewis", "Harrison",
              "O'Brien", "Nowak", "Okafor", "Ní Bhriain", "Müller", "Jones", "Begum", "Davies")
SENTENCES = (
    "Agreed at corporate management team in the spring.",
    "Evidence is in the procurement strategy (section 4.2).",
    "An improvement plan is in place for 2024/25 — owner: Head of Commercial.",
    "Varies between directorates; adults' social care is furthest ahead.",
    "Reviewed by internal audit last year with a “reasonable assurance” opinion.",
    "Shared service arrangement with our neighbours covers this.",
    "New post recruited to lead this work from April.",
    "Not yet consistent across all contracts over £100k.",
    "Councillor working group set up; first report due to cabinet in the autumn.",
    "Depends on funding from the next budget round.",
    "Our Welsh-border partners (Ynys Môn, Powys) share the approach.",
    "Café-style supplier engagement sessions were well attended.",
    "- Quarterly contract reviews\n- Supplier risk register\n- KPIs published ✅",
    "The naïve approach of annual reviews was replaced with a rolling programme.",
    "Cost: ~£45,000 a year; savings to date £120,000+.",
)


@dataclass(frozen=True)
class Settings:
    """What to generate; the defaults are the 1x benchmark data set."""

    scale: int = 1
    seed: int = 2018
    rounds: int = 5  # per framework: the latest ``rounds`` of the five
    frameworks: tuple[str, ...] = ()  # slugs; empty means every shipped framework
    councils: int | None = None  # only the first N councils of the register (small tests)
    today: date | None = None


@dataclass(frozen=True)
class RoundSpec:
    slug: str
    tag: str  # the year, or "open": part of every seed, so rounds are independent
    title: str
    opens_on: date
    closes_on: date
    uplift: float  # councils improve over the years

    @property
    def is_open(self) -> bool:
        return self.tag == "open"


@dataclass
class Summary:
    """Row counts of what was written, and how long it took."""

    councils: int = 0
    users: int = 0
    rounds: int = 0
    assessments: int = 0
    responses: int = 0
    section_results: int = 0
    audit_events: int = 0
    seconds: float = 0.0
    round_ids: dict[str, int] = field(default_factory=dict)  # "slug:tag" -> id

    def line(self) -> str:
        return (f"{self.councils} councils, {self.users} users, {self.rounds} rounds, "
                f"{self.assessments} assessments, {self.responses} responses, "
                f"{self.section_results} section results, {self.audit_events} audit events "
                f"in {self.seconds:.1f} s")


def round_specs(slugs: Sequence[str], today: date, per_framework: int) -> list[RoundSpec]:
    """The latest ``per_framework`` of each framework's five rounds, oldest first."""
    year = today.year if today.month >= 4 else today.year - 1
    specs = []
    for slug in slugs:
        label = TITLES.get(slug, slug)
        plan = [RoundSpec(slug, str(y), f"{label} {y}/{(y + 1) % 100:02d}", date(y, 7, 1),
                          date(y, 9, 30), 0.1 * n) for n, y in enumerate(ROUND_YEARS)]
        plan.append(RoundSpec(slug, "open", f"{label} {year}/{(year + 1) % 100:02d}",
                              today - timedelta(days=30), today + timedelta(days=45), 0.45))
        specs += plan[-per_framework:]
    return sorted(specs, key=lambda s: (s.opens_on, s.slug))


def generate(settings: Settings) -> Summary:
    """Replace every table's contents with the data set; call inside an app context."""
    from prodmaturity.extensions import db
    from prodmaturity.timeutil import today as utc_today

    started = time.perf_counter()
    db.drop_all()
    db.create_all()
    frameworks = _store_frameworks(settings.frameworks)
    councils = _add_councils(settings)
    users = _add_users(councils)
    summary = Summary(councils=len(councils))
    day = settings.today or utc_today()
    references: set[str] = set()
    for spec in round_specs(list(frameworks), day, settings.rounds):
        version_id, framework = frameworks[spec.slug]
        writer = _RoundWriter(settings.seed, spec, framework, users, day, references)
        summary.round_ids[f"{spec.slug}:{spec.tag}"] = writer.write(version_id, councils)
        db.session.commit()
    _count(summary)
    db.session.execute(sa.text("ANALYZE"))  # planner statistics, as a live database has
    db.session.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _store_frameworks(wanted: Sequence[str]) -> dict[str, tuple[int, Framework]]:
    from prodmaturity.frameworks import load_framework_file, shipped_framework_paths
    from prodmaturity.frameworks.store import store_framework

    stored = {}
    for path in shipped_framework_paths():
        if wanted and path.stem not in wanted:
            continue
        version = store_framework(load_framework_file(path)).version
        stored[version.slug] = (version.id, version.framework)
    return stored


@dataclass(frozen=True)
class CouncilRow:
    id: int
    gss_code: str
    start_date: date | None
    end_date: date | None

    def active_on(self, day: date) -> bool:
        return ((self.start_date is None or self.start_date <= day)
                and (self.end_date is None or day < self.end_date))


def _add_councils(settings: Settings) -> list[CouncilRow]:
    """The shipped register (or its first N councils), plus synthetic copies for ``scale``."""
    from prodmaturity.councils.register import read_register_csv, shipped_register_path
    from prodmaturity.extensions import db
    from prodmaturity.models import Council

    with shipped_register_path().open(encoding="utf-8") as stream:
        records = read_register_csv(stream)[: settings.councils]
    rows = [{**record.column_values()} for record in records]
    for copy in range(1, settings.scale):
        for n, record in enumerate(records):
            rows.append({"gss_code": f"E9{copy:02d}{n:05d}",
                         "name": f"Synthetic {copy}-{n} Council", "short_name": f"S{copy}-{n}",
                         "type": record.type, "region": record.region, "start_date": None,
                         "end_date": None, "successor_gss_code": None})
    bulk_insert(Council, rows)
    found = db.session.execute(sa.select(Council.id, Council.gss_code, Council.start_date,
                                         Council.end_date).order_by(Council.gss_code)).all()
    return [CouncilRow(*row) for row in found]


def _add_users(councils: Sequence[CouncilRow]) -> dict[int, list[int]]:
    """A lead and two officers per council, and one LGA admin and analyst; one shared hash.

    Returns council id -> [lead id, officer id, officer id].
    """
    from prodmaturity.auth.passwords import hash_password
    from prodmaturity.extensions import db
    from prodmaturity.models import User

    from .common import BENCH_PASSWORD

    password_hash = hash_password(BENCH_PASSWORD)
    rows: list[dict[str, Any]] = [
        {"email": "admin@lga.bench.example", "name": "Bench Admin", "role": "lga_admin"},
        {"email": "analyst@lga.bench.example", "name": "Bench Analyst", "role": "lga_analyst"},
    ]
    for council in councils:
        rng = random.Random(f"people:{council.gss_code}")
        for who, role in (("lead", "council_lead"), ("officer1", "council_officer"),
                          ("officer2", "council_officer")):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            rows.append({"email": user_email(council.gss_code, who), "name": name,
                         "role": role, "council_id": council.id})
    for row in rows:
        row.setdefault("council_id", None)
        row |= {"password_hash": password_hash, "created_at": BASE_DAY}
    bulk_insert(User, rows)
    people: dict[int, list[int]] = {}
    for council_id, user_id in db.session.execute(
            sa.select(User.council_id, User.id).where(User.council_id.is_not(None))
            .order_by(User.council_id, User.role, User.email)):
        people.setdefault(council_id, []).append(user_id)  # council_lead sorts first
    return people


def bulk_insert(model: Any, rows: list[dict[str, Any]], batch: int = 20_000) -> None:
    """Insert rows as a few multi-row statements, whatever keys each row has.

    Through the table rather than ``insert(Model)``: the ORM's bulk insert groups rows by which
    keys hold None and so sent thousands of small statements (80 s on PostgreSQL). Missing keys
    are filled with None first, which is what the ORM would have written for them.
    """
    from prodmaturity.extensions import db

    keys = {key for row in rows for key in row}
    full = [dict.fromkeys(keys) | row for row in rows]
    for start in range(0, len(full), batch):  # bounded statements and memory
        db.session.execute(sa.insert(model.__table__), full[start:start + batch])


def user_email(gss_code: str, who: str) -> str:
    """A benchmark account's email: ``who`` is lead, officer1 or officer2."""
    return f"{who}@{gss_code.lower()}.bench.example"


class _RoundWriter:
    """One round's rows: its assessments, answers, stored results and audit events."""

    def __init__(self, seed: int, spec: RoundSpec, framework: Framework,
                 users: dict[int, list[int]], today: date, references: set[str]) -> None:
        self.seed, self.spec, self.framework, self.users = seed, spec, framework, users
        self.today, self.references = today, references
        self.assessments: list[dict[str, Any]] = []
        self.responses: dict[int, list[dict[str, Any]]] = {}
        self.sections: dict[int, list[dict[str, Any]]] = {}
        self.events: dict[int, list[dict[str, Any]]] = {}

    def write(self, version_id: int, councils: Sequence[CouncilRow]) -> int:
        from prodmaturity.extensions import db
        from prodmaturity.models import Assessment, AuditEvent, Response, Round, SectionResult

        spec = self.spec
        round_id = db.session.execute(sa.insert(Round).returning(Round.id), {
            "framework_version_id": version_id, "title": spec.title, "opens_on": spec.opens_on,
            "closes_on": spec.closes_on, "created_at": _at(spec.opens_on, -1, 9)}).scalar_one()
        for council in councils:
            if council.active_on(spec.opens_on):
                self._council(round_id, council)
        bulk_insert(Assessment, self.assessments)
        ids = dict(db.session.execute(sa.select(Assessment.council_id, Assessment.id)
                                      .where(Assessment.round_id == round_id)).all())
        for model, rows_by_council, column in (
                (Response, self.responses, "assessment_id"),
                (SectionResult, self.sections, "assessment_id"),
                (AuditEvent, self.events, "subject_id")):
            rows = [{column: ids[c], **row} for c, found in rows_by_council.items()
                    for row in found]
            bulk_insert(model, rows)
        return int(round_id)

    def _council(self, round_id: int, council: CouncilRow) -> None:
        from prodmaturity.assessments.results import stored_values
        from prodmaturity.scoring import score

        spec, framework = self.spec, self.framework
        rng = random.Random(f"{self.seed}:{spec.slug}:{spec.tag}:{council.gss_code}")
        level = random.Random(f"{self.seed}:{spec.slug}:{council.gss_code}").gauss(0, 1)
        mix = OPEN_MIX if spec.is_open else CLOSED_MIX
        status = rng.choices([s for s, _ in mix], [w for _, w in mix])[0]
        lead, *officers = self.users[council.id]
        answers = _answers(framework, rng, level + spec.uplift)
        result = score(framework, answers)
        started = _at(spec.opens_on, rng.randint(0, 10), 9 + rng.randint(0, 7))
        responses = _response_rows(framework, result, answers, rng, started,
                                   [lead, *officers])
        last = max(r["updated_at"] for r in responses)
        row: dict[str, Any] = {"round_id": round_id, "council_id": council.id, "status": status,
                               "created_at": _at(spec.opens_on, 0, 8),
                               "last_activity_at": last}
        events = [_event(council.id, rng.choice(officers), "assessment_status_changed",
                         "not_started", "in_progress", started)]
        events += [_event(council.id, r["updated_by_id"], "response_changed", None,
                          _describe(framework, r), r["updated_at"],
                          {"item_key": r["item_key"], "section_key": r["section_key"]})
                   for r in responses]
        if status in SCORED_STATUSES:
            self._submission(row, rng, lead, events, council.id)
            values = stored_values(framework, result)
            row.update(values.assessment)
            self.sections[council.id] = values.sections
        self.assessments.append(row)
        self.responses[council.id] = responses
        self.events[council.id] = events

    def _submission(self, row: dict[str, Any], rng: random.Random, lead: int,
                    events: list[dict[str, Any]], council_id: int) -> None:
        submitted = min(row["last_activity_at"] + timedelta(days=rng.randint(1, 12)),
                        datetime.combine(self.today, clock(0, 0)))
        reference = self._reference(rng, submitted.date())
        row |= {"submitted_at": submitted, "submitted_by_id": lead, "reference": reference,
                "sign_off_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "sign_off_role": "Director of Resources", "last_activity_at": submitted}
        events.append(_event(council_id, lead, "assessment_status_changed", "in_progress",
                             "submitted", submitted, {"reference": reference}))
        if row["status"] == "submitted":
            return
        decided = submitted + timedelta(hours=rng.randint(2, 200))
        row["decided_by_id"] = None
        if row["status"] == "accepted":
            row["accepted_at"] = decided
        else:
            reason = "Please add comments to explain the stages chosen for the enablers."
            row |= {"returned_at": decided, "return_reason": reason}
        events.append(_event(council_id, None, "assessment_status_changed", "submitted",
                             row["status"], decided))

    def _reference(self, rng: random.Random, day: date) -> str:
        prefix = self.spec.slug.split("-")[0].upper()[:8]
        while True:
            code = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))
            reference = f"{prefix}-{day.year}-{code}"
            if reference not in self.references:
                self.references.add(reference)
                return reference


def _answers(framework: Framework, rng: random.Random, level: float) -> dict[str, Any]:
    """Every item answered: stages around the council's level, options by a share of points."""
    from prodmaturity.scoring import MaturityAnswer, QuestionAnswer

    answers: dict[str, Any] = {}
    for item in framework.items():
        if isinstance(item, MaturityItem):
            current = min(5, max(1, round(rng.gauss(2.5 + 0.55 * level, 0.8))))
            target = min(len(framework.stages), current + rng.choice((0, 1, 1, 1, 2)))
            answers[item.key] = MaturityAnswer(current, target)
            continue
        assert isinstance(item, Question)
        share = min(1.0, max(0.0, rng.gauss(0.55 + 0.09 * level, 0.2)))
        if item.allow_na and rng.random() < 0.06:
            answers[item.key] = QuestionAnswer(not_applicable=True)
        elif item.type == "number":
            answers[item.key] = QuestionAnswer(float(rng.randint(0, 40)))
        elif item.type == "free_text":
            answers[item.key] = QuestionAnswer(comment(rng) or "None at present.")
        elif item.type == "multiple_choice":
            chosen = [o.value for o in item.options if rng.random() < share]
            answers[item.key] = QuestionAnswer(chosen)
        else:
            options = sorted(item.options, key=lambda option: option.points)
            index = min(len(options) - 1, int(share * len(options)))
            if item.critical:
                index = 0 if rng.random() < 0.01 else max(1, index)
            answers[item.key] = QuestionAnswer(options[index].value)
    return answers


def comment(rng: random.Random) -> str | None:
    """No comment (55%), a sentence, a few, or a long note of up to ~2,000 characters."""
    roll = rng.random()
    if roll < 0.55:
        return None
    count = 1 if roll < 0.8 else rng.randint(2, 4) if roll < 0.95 else rng.randint(10, 24)
    text = " ".join(rng.choice(SENTENCES) for _ in range(count))
    return text[:2000]


def _response_rows(framework: Framework, result: Any, answers: dict[str, Any],
                   rng: random.Random, started: datetime, people: list[int]
                   ) -> list[dict[str, Any]]:
    """Response rows with the points ``response_points`` would store on save."""
    from prodmaturity.scoring import MaturityAnswer, QuestionnaireResult

    scored = ({q.key: q for q in result.questions} if isinstance(result, QuestionnaireResult)
              else {})
    rows = []
    for n, (key, answer) in enumerate(answers.items()):
        row: dict[str, Any] = {
            "section_key": framework.section_of(key).key, "item_key": key,
            "comment": comment(rng), "carried_forward": False, "version": rng.randint(1, 3),
            "updated_at": started + timedelta(minutes=7 * n + rng.randint(0, 6000)),
            "updated_by_id": rng.choice(people)}
        if isinstance(answer, MaturityAnswer):
            row |= {"current_stage": answer.current, "target_stage": answer.target,
                    "answer": None, "not_applicable": False, "points": None,
                    "max_points": None, "at_lowest": answer.current == 1}
        else:
            item = framework.item(key)
            assert isinstance(item, Question)
            q = scored[key]
            at_lowest = q.points is not None and q.points <= item.lowest_points * item.weight
            row |= {"current_stage": None, "target_stage": None, "answer": answer.value,
                    "not_applicable": answer.not_applicable, "points": q.points,
                    "max_points": q.max_points, "at_lowest": at_lowest}
        rows.append(row)
    return rows


def _describe(framework: Framework, row: dict[str, Any]) -> str:
    from prodmaturity.assessments.responses import AnswerInput, describe

    value = AnswerInput(row["current_stage"], row["target_stage"], row["answer"],
                        row["not_applicable"], row["comment"])
    return describe(framework, framework.item(row["item_key"]), value)


def _event(council_id: int, actor_id: int | None, action: str, old: str | None, new: str,
           at: datetime, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"actor_id": actor_id, "action": action, "council_id": council_id,
            "subject_type": "Assessment", "old_value": old, "new_value": new,
            "occurred_at": at, "detail": detail, "ip_address": "192.0.2.10"}


def _at(day: date, days: int, hour: int) -> datetime:
    return datetime.combine(day + timedelta(days=days), clock(hour, 0))


def _count(summary: Summary) -> None:
    from prodmaturity.extensions import db
    from prodmaturity.models import (
        Assessment,
        AuditEvent,
        Response,
        Round,
        SectionResult,
        User,
    )

    def rows(model: Any) -> int:
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)

    summary.users, summary.rounds, summary.assessments = rows(User), rows(Round), rows(Assessment)
    summary.responses, summary.section_results = rows(Response), rows(SectionResult)
    summary.audit_events = rows(AuditEvent)


def generate_at(url: str, settings: Settings, *, recreate: bool = True) -> Summary:
    """Generate into the database at ``url`` (re-created first unless ``recreate`` is False)."""
    from prodmaturity.extensions import db

    from .common import absolute_url, data_app, recreate_database

    url = absolute_url(url)
    if recreate:
        recreate_database(url)
    app = data_app(url)
    with app.app_context():
        try:
            return generate(settings)
        finally:
            db.session.remove()
            db.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    from .common import database_url

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="copies of the register (1)")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--rounds", type=int, default=5, choices=range(1, 6),
                        help="rounds per framework, latest first (5)")
    parser.add_argument("--frameworks", default="", help="comma-separated slugs (all)")
    parser.add_argument("--councils", type=int, help="only the first N councils")
    parser.add_argument("--database-url", default=database_url("sqlite", "bench"),
                        help="a database whose name contains 'bench': it is wiped first")
    args = parser.parse_args(argv)
    name = sa.engine.make_url(args.database_url).database or ""
    if "bench" not in name:
        parser.error("refusing to wipe a database whose name does not contain 'bench'")
    settings = Settings(scale=args.scale, seed=args.seed, rounds=args.rounds,
                        frameworks=tuple(s for s in args.frameworks.split(",") if s),
                        councils=args.councils)
    summary = generate_at(args.database_url, settings)
    print(f"{args.database_url}: {summary.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
