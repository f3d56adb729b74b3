"""Page timings, in process: each page against its floor, and 1 round against 10 in the database.

Every page is fetched through the real app with Flask's test client, signed in through the real
sign-in form as the person who would use it (an LGA analyst, or the council's lead). Its floor
(see ``floors.py``) is fetched in turn with it, so load from elsewhere hits both alike. Saves
read the page's own form first (untimed) and post it back with a new comment (timed), so every
save changes one answer and passes the version check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from .common import sign_in
from .floors import floor_app, floor_engine
from .generate import user_email
from .htmlforms import form_with, replace
from .report import Timing, interleaved, table, timed, verdict

PAGE_P95_TARGET_MS = 150.0
AGGREGATES_RATIO_TARGET = 2.0
HISTORY_GROWTH_TARGET = 20.0  # per cent
ANALYST = "analyst@lga.bench.example"
SHORT = {"nps-2018": "NPS", "cyber-stocktake-2018": "cyber"}


@dataclass(frozen=True)
class RoundRef:
    id: int
    slug: str
    opens_on: date
    closes_on: date


@dataclass(frozen=True)
class AssessmentRef:
    id: int
    round: RoundRef
    email: str  # the council's lead
    page_key: str  # the first question page
    item_key: str  # the first item on it, whose comment a save changes


@dataclass(frozen=True)
class Case:
    """One page to time: who asks for it, where, and the floor it is compared with."""

    key: str
    label: str
    endpoint: str
    email: str
    path: str
    floor: str
    floor_params: dict[str, Any]
    save: AssessmentRef | None = None  # a POST of the page's own form


@dataclass(frozen=True)
class PageResult:
    engine: str
    key: str
    label: str
    page: Timing
    floor: Timing

    @property
    def ratio(self) -> float:
        return self.page.median / self.floor.median if self.floor.median else float("inf")


@dataclass(frozen=True)
class GrowthResult:
    engine: str
    key: str
    label: str
    one: Timing
    ten: Timing

    @property
    def growth(self) -> float:
        return 100 * (self.ten.median / self.one.median - 1)


def discover(app: Flask) -> dict[str, Any]:
    """The rounds and assessments the cases use, found the same way in every database.

    Councils are picked by GSS code among those with the wanted status, so the 1-round and
    10-round databases (whose open round holds the same data) yield the same council.
    """
    from prodmaturity.assessments.pages import pages_of
    from prodmaturity.extensions import db
    from prodmaturity.models import Assessment, Council, FrameworkVersion, Round
    from prodmaturity.timeutil import today

    found: dict[str, Any] = {}
    with app.app_context():
        rows = db.session.execute(
            sa.select(Round.id, FrameworkVersion.slug, Round.opens_on, Round.closes_on)
            .join(FrameworkVersion, FrameworkVersion.id == Round.framework_version_id)
            .order_by(Round.opens_on)).all()
        for row in rows:
            ref = RoundRef(*row)
            state = "open" if ref.opens_on <= today() <= ref.closes_on else "closed"
            found[f"{ref.slug}:{state}"] = ref  # the latest of each wins
        for key in [k for k in found if k.endswith(":open")]:
            ref = found[key]
            framework = db.session.get(Round, ref.id).framework_version.framework
            first_page = pages_of(framework)[0]
            for status in ("in_progress", "accepted"):
                assessment_id, gss = db.session.execute(
                    sa.select(Assessment.id, Council.gss_code)
                    .join(Council, Council.id == Assessment.council_id)
                    .where(Assessment.round_id == ref.id, Assessment.status == status)
                    .order_by(Council.gss_code).limit(1)).one()
                found[f"{ref.slug}:{status}"] = AssessmentRef(
                    assessment_id, ref, user_email(gss, "lead"), first_page.key,
                    first_page.items[0].key)
        db.session.remove()
    return found


def _round_params(ref: RoundRef) -> dict[str, Any]:
    return {"round_id": ref.id, "slug": ref.slug, "opens_on": ref.opens_on,
            "closes_on": ref.closes_on}


def cases(found: dict[str, Any], slugs: tuple[str, ...]) -> list[Case]:
    """The pages of the issue, for each framework present, open round first."""
    out: list[Case] = []
    for slug in slugs:
        name, kind = SHORT[slug], "maturity" if slug == "nps-2018" else "questionnaire"
        for state in ("closed", "open"):
            ref = found.get(f"{slug}:{state}")
            if ref:
                out.append(Case(f"aggregates-{name}-{state}",
                                f"LGA aggregated results ({name}, {state} round)",
                                "lga.round_results", ANALYST, f"/lga/rounds/{ref.id}/results",
                                f"aggregates_{kind}", _round_params(ref)))
        ref = found.get(f"{slug}:open")
        if ref is None:
            continue
        out += [
            Case(f"overview-{name}", f"Round overview ({name})", "lga.round_overview",
                 ANALYST, f"/lga/rounds/{ref.id}/overview", "overview", _round_params(ref)),
            Case(f"councils-{name}", f"Council list ({name})", "lga.round_councils", ANALYST,
                 f"/lga/rounds/{ref.id}/councils", "council_list", _round_params(ref)),
        ]
        done, editing = found[f"{slug}:accepted"], found[f"{slug}:in_progress"]
        page_path = f"/council/assessments/{editing.id}/pages/{editing.page_key}"
        out += [
            Case(f"results-{name}", f"Council results page ({name}, accepted)",
                 "council.results", done.email, f"/council/assessments/{done.id}/results",
                 f"results_{kind}", {"assessment_id": done.id, **_round_params(ref)}),
            Case(f"tasklist-{name}", f"Task list ({name}, in progress)", "council.assessment",
                 editing.email, f"/council/assessments/{editing.id}", "task_list",
                 {"assessment_id": editing.id}),
            Case(f"question-{name}", f"Question page ({name}, GET)", "council.page",
                 editing.email, page_path, "question_page", {"assessment_id": editing.id}),
            Case(f"save-{name}", f"Save one question page ({name}, POST)", "council.page",
                 editing.email, page_path, "save_page", {}, save=editing),
        ]
    return out


class Runner:
    """Signed-in clients on one app, and the probes that time its pages and their floors."""

    def __init__(self, app: Flask, url: str, case_list: list[Case]) -> None:
        self.app, self.cases = app, [c for c in case_list if c.endpoint in endpoints(app)]
        self.engine = floor_engine(url)
        self.floor = floor_app(self.engine, {c.key: (c.floor, c.floor_params)
                                             for c in self.cases}).test_client()
        self.clients: dict[str, FlaskClient] = {}

    def client(self, email: str) -> FlaskClient:
        if email not in self.clients:
            self.clients[email] = self.app.test_client()
            sign_in(self.clients[email], email)
        return self.clients[email]

    def page_probe(self, case: Case) -> Callable[[], float]:
        client = self.client(case.email)
        if case.save is not None:
            return self._save_probe(case, client)

        return lambda: timed(lambda: _expect(client.get(case.path), 200, case))

    def _save_probe(self, case: Case, client: FlaskClient) -> Callable[[], float]:
        counter = iter(range(10**9))
        comment_field = f"{case.save.item_key}-comment" if case.save else ""

        def probe() -> float:
            html = _expect(client.get(case.path), 200, case)
            fields = form_with(html, "-version")
            fields = replace(fields, comment_field, f"Benchmark save {next(counter)} — ✓")
            fields = replace(fields, "save_for_later", "Save and come back later")
            return timed(lambda: _expect(client.post(case.path, data=_multi(fields)), 302,
                                         case))

        return probe

    def floor_probe(self, case: Case) -> Callable[[], float]:
        if case.save is None:
            return lambda: timed(lambda: _expect(self.floor.get(f"/floor/{case.key}"), 200,
                                                 case))
        counter = iter(range(10**9))
        assessment_id, item_key = case.save.id, case.save.item_key

        def probe() -> float:
            with self.engine.connect() as conn:
                response_id, version = conn.execute(sa.text(
                    "SELECT id, version FROM response WHERE assessment_id = :a "
                    "AND item_key = :k"), {"a": assessment_id, "k": item_key}).one()
            form = {"response_id": response_id, "version": version, "current": 3,
                    "target": 4, "comment": f"Floor save {next(counter)}"}
            return timed(lambda: _expect(self.floor.post(f"/floor/{case.key}", data=form),
                                         200, case))

        return probe

    def close(self) -> None:
        self.engine.dispose()


def endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def _multi(fields: list[tuple[str, str]]) -> Any:
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


def _expect(response: Any, status: int, case: Case) -> str:
    text = response.get_data(as_text=True)
    if response.status_code != status:
        raise RuntimeError(f"{case.label}: HTTP {response.status_code}, expected {status}: "
                           f"{text[:300]!r}")
    return str(text)


def run_pages(engine: str, runner: Runner, repeats: int) -> list[PageResult]:
    """Every case on one database, each interleaved with its floor."""
    results = []
    for case in runner.cases:
        timings = interleaved({"page": runner.page_probe(case),
                               "floor": runner.floor_probe(case)}, repeats)
        results.append(PageResult(engine, case.key, case.label, timings["page"],
                                  timings["floor"]))
        print(f"  {engine} {case.label}: p95 {timings['page'].p95:.1f} ms", flush=True)
    return results


def run_growth(engine: str, one: Runner, ten: Runner, repeats: int) -> list[GrowthResult]:
    """The same open-round pages with 1 round and with 10 rounds in the database, in turn."""
    results = []
    ten_cases = {c.key: c for c in ten.cases}
    for case in one.cases:
        other = ten_cases.get(case.key)
        if other is None:
            continue
        timings = interleaved({"one": one.page_probe(case), "ten": ten.page_probe(other)},
                              repeats)
        results.append(GrowthResult(engine, case.key, case.label, timings["one"],
                                    timings["ten"]))
    return results


def page_table(results: list[PageResult]) -> str:
    rows = []
    for r in results:
        ok = r.page.p95 < PAGE_P95_TARGET_MS
        if r.key.startswith("aggregates"):
            ok = ok and r.ratio <= AGGREGATES_RATIO_TARGET
        rows.append((r.engine, r.label, r.page.n, r.page.median, r.page.p95, r.floor.median,
                     r.floor.p95, f"{r.ratio:.1f}x", verdict(ok)))
    return table(("Engine", "Page", "n", "Median ms", "p95 ms", "Floor median ms",
                  "Floor p95 ms", "Page / floor", "Target met"), rows)


def growth_table(results: list[GrowthResult]) -> str:
    rows = [(r.engine, r.label, r.one.n, r.one.median, r.one.p95, r.ten.median, r.ten.p95,
             f"{r.growth:+.0f}%", verdict(r.growth < HISTORY_GROWTH_TARGET)) for r in results]
    return table(("Engine", "Page (open round)", "n", "1 round median ms", "1 round p95 ms",
                  "10 rounds median ms", "10 rounds p95 ms", "Growth", "Target met"), rows)
