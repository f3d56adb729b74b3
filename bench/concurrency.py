"""Concurrent editing: N officers saving pages against gunicorn, and proof nothing was lost.

Officers come in pairs, both officers of one council, working through the same pages of their
council's in-progress assessment at the same time, so their saves really do collide. Each is a
thread with its own ``requests`` session, signed in through the real sign-in form (CSRF on).
Each save reads the page (versions and CSRF token from the HTML), writes a comment no one else
writes, and posts. Afterwards the database must account for every outcome:

* every accepted save (302) changed its item's version by one, so per item the final version
  minus the starting one equals the accepted saves on it, and the final comment is the one
  posted by the last accepted save (the one that read the highest version);
* every accepted save left exactly one ``response_changed`` audit event with its comment;
* every refused save got the conflict page (200 with "Someone else changed this page");
* nothing else happened: no 5xx, no other status, no exceptions.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from prodmaturity.timeutil import utcnow

from .common import BENCH_PASSWORD, BENCH_SECRET, ROOT
from .generate import user_email
from .htmlforms import form_with, replace
from .report import Timing, table, verdict

CONFLICT_TEXT = "Someone else changed this page while you were editing it"
P95_TARGET_MS = 500.0


@dataclass
class Outcome:
    officer: str
    assessment_id: int
    item_key: str
    comment: str
    read_version: int
    status: str  # "accepted", "conflict" or "error: ..."
    seconds: float


@dataclass
class ConcurrencyResult:
    engine: str
    officers: int
    workers: int
    think: float
    saves: int
    accepted: int
    conflicts: int
    errors: int
    lost: int
    seconds: float
    save_timing: Timing
    page_timing: Timing
    problems: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.saves / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(url: str, workers: int, port: int) -> subprocess.Popen[bytes]:
    """The real WSGI entry point, configured only through the environment, as deployed."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": BENCH_SECRET,
           "PRODMATURITY_TWO_FACTOR_REQUIRED_COUNCIL": "false",
           "PRODMATURITY_TWO_FACTOR_REQUIRED_LGA": "false",
           "PRODMATURITY_RATELIMIT_SIGN_IN": "100000 per minute",
           "MAIL_OUTBOX_DIR": "/tmp/prodmaturity-bench-outbox"}
    log = (ROOT / "bench" / "results" / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not start: see bench/results/gunicorn.log")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the gunicorn we started (its own process group), and only it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


class Officer(threading.Thread):
    """One officer: signs in, then saves ``saves`` pages in order, as fast as allowed."""

    def __init__(self, base: str, email: str, assessment_id: int, pages: list[tuple[str, str]],
                 saves: int, think: float, start: threading.Barrier) -> None:
        super().__init__(name=email, daemon=True)
        self.base, self.email, self.assessment_id = base, email, assessment_id
        self.pages, self.saves, self.think, self.start_barrier = pages, saves, think, start
        self.session = requests.Session()
        self.outcomes: list[Outcome] = []
        self.page_seconds: list[float] = []
        self.failure: str | None = None
        # Fresh values every run: re-posting a value already stored is (rightly) no change.
        self.rng = random.Random(f"{email}:{time.time_ns()}")

    def sign_in(self) -> None:
        page = self.session.get(f"{self.base}/sign-in", timeout=30)
        fields = form_with(page.text, "password")
        fields = replace(replace(fields, "email", self.email), "password", BENCH_PASSWORD)
        response = self.session.post(f"{self.base}/sign-in", data=fields, timeout=30,
                                     allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"sign-in as {self.email}: HTTP {response.status_code}")

    def run(self) -> None:
        try:
            self.sign_in()
        except Exception as exc:  # reported, never swallowed: the run fails on it
            self.failure = f"{self.email}: {exc}"
        self.start_barrier.wait()
        if self.failure:
            return
        for n in range(self.saves):
            page_key, item_key = self.pages[n % len(self.pages)]
            try:
                self._save(n, page_key, item_key)
            except Exception as exc:
                self.outcomes.append(Outcome(self.email, self.assessment_id, item_key, "", -1,
                                             f"error: {exc!r}"[:200], 0.0))
            if self.think:
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    def _save(self, n: int, page_key: str, item_key: str) -> None:
        url = f"{self.base}/council/assessments/{self.assessment_id}/pages/{page_key}"
        started = time.perf_counter()
        page = self.session.get(url, timeout=60)
        self.page_seconds.append(time.perf_counter() - started)
        if page.status_code != 200:
            raise RuntimeError(f"GET page: HTTP {page.status_code}")
        fields = form_with(page.text, "-version")
        version = int(dict(fields)[f"{item_key}-version"])
        comment = f"[{self.email} save {n} \u2014 {self.rng.randint(0, 10**9)}]"
        stage = self.rng.randint(1, 4)
        for name, value in ((f"{item_key}-comment", comment), (f"{item_key}-current", str(stage)),
                            (f"{item_key}-target", str(stage + 1)),
                            ("save_for_later", "Save and come back later")):
            fields = replace(fields, name, value)
        started = time.perf_counter()
        response = self.session.post(url, data=fields, timeout=60, allow_redirects=False)
        seconds = time.perf_counter() - started
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.endswith(
                f"/council/assessments/{self.assessment_id}"):
            status = "accepted"  # the task list; anything else is not a save
        elif response.status_code == 302:
            status = f"error: redirected to {location}"
        elif response.status_code == 200 and CONFLICT_TEXT in response.text:
            status = "conflict"
        else:
            status = f"error: HTTP {response.status_code}"
        self.outcomes.append(Outcome(self.email, self.assessment_id, item_key, comment, version,
                                     status, seconds))


def _editing_targets(engine: sa.Engine, councils: int) -> list[tuple[str, int, list[Any]]]:
    """(GSS code, assessment id, [(page key, item key)]) of in-progress NPS assessments."""
    from prodmaturity.frameworks import load_framework_file, shipped_framework_paths

    path = next(p for p in shipped_framework_paths() if p.stem == "nps-2018")
    framework = load_framework_file(path)
    pages = [(item.key, item.key) for item in framework.items()]  # one item per page
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.gss_code, a.id FROM assessment a JOIN council c ON c.id = a.council_id "
            "JOIN assessment_round r ON r.id = a.round_id "
            "JOIN framework_version f ON f.id = r.framework_version_id "
            "WHERE f.slug = 'nps-2018' AND a.status = 'in_progress' "
            "AND r.closes_on >= :today ORDER BY c.gss_code LIMIT :n"),
            {"today": datetime.now().date(), "n": councils}).all()
    return [(gss, assessment_id, pages) for gss, assessment_id in rows]


def _snapshot(engine: sa.Engine, ids: list[int]) -> dict[tuple[int, str], tuple[int, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(
            sa.column("assessment_id"), sa.column("item_key"), sa.column("version"),
            sa.column("comment")).select_from(sa.table("response"))
            .where(sa.column("assessment_id").in_(ids))).all()
    return {(a, k): (v, c) for a, k, v, c in rows}


def _audited(engine: sa.Engine, ids: list[int], since: datetime) -> Counter[str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT new_value FROM audit_event WHERE action = 'response_changed' "
            "AND subject_type = 'Assessment' AND occurred_at >= :since"), {"since": since})
        return Counter(str(value) for (value,) in rows)


def verify(outcomes: list[Outcome], before: dict[Any, Any], after: dict[Any, Any],
           audited: Counter[str]) -> tuple[int, list[str]]:
    """Lost updates (accepted saves the database does not show) and any other problems."""
    problems: list[str] = []
    accepted = [o for o in outcomes if o.status == "accepted"]
    per_item: dict[tuple[int, str], list[Outcome]] = {}
    for o in accepted:
        per_item.setdefault((o.assessment_id, o.item_key), []).append(o)
    lost = 0
    for key, saves in per_item.items():
        start, (final_version, final_comment) = before[key][0], after[key]
        if final_version - start != len(saves):
            lost += len(saves) - (final_version - start)
            problems.append(f"{key}: {len(saves)} accepted, version moved "
                            f"{final_version - start}")
        last = max(saves, key=lambda o: o.read_version)
        if last.comment != final_comment:
            problems.append(f"{key}: last accepted comment is not the stored one")
        versions = sorted(o.read_version for o in saves)
        if versions != list(range(start, start + len(saves))):
            problems.append(f"{key}: accepted saves read versions {versions}")
    for o in accepted:
        if sum(count for text, count in audited.items() if o.comment in text) != 1:
            lost += 1
            problems.append(f"{o.officer}: accepted save has no single audit event")
    return lost, problems


def run_concurrency(url: str, officers: int = 50, saves: int = 8, workers: int = 5,
                    think: float = 0.0) -> ConcurrencyResult:
    """Start gunicorn on ``url``, run the officers, check the database, stop gunicorn."""
    engine = sa.create_engine(url)
    targets = _editing_targets(engine, (officers + 1) // 2)
    ids = [assessment_id for _, assessment_id, _ in targets]
    port = free_port()
    process = start_gunicorn(url, workers, port)
    try:
        barrier = threading.Barrier(officers + 1)
        crew = [Officer(f"http://127.0.0.1:{port}", user_email(gss, f"officer{1 + n % 2}"),
                        assessment_id, pages, saves, think, barrier)
                for n, (gss, assessment_id, pages) in enumerate(
                    t for t in targets for _ in range(2))][:officers]
        for officer in crew:
            officer.start()
        before = _snapshot(engine, ids)
        since = utcnow().replace(microsecond=0)
        barrier.wait()
        started = time.perf_counter()
        for officer in crew:
            officer.join()
        seconds = time.perf_counter() - started
    finally:
        stop(process)
    outcomes = [o for officer in crew for o in officer.outcomes]
    lost, problems = verify(outcomes, before, _snapshot(engine, ids),
                            _audited(engine, ids, since))
    engine.dispose()
    problems = [o.failure for o in crew if o.failure] + problems
    counts = Counter("error" if o.status.startswith("error") else o.status for o in outcomes)
    problems = sorted({o.status for o in outcomes if o.status.startswith("error")})[:5] + problems
    return ConcurrencyResult(
        "postgres" if url.startswith("postgres") else "sqlite", officers, workers, think,
        len(outcomes), counts["accepted"], counts["conflict"], counts["error"], lost, seconds,
        Timing.of([o.seconds for o in outcomes if not o.status.startswith("error")] or [0.0]),
        Timing.of([s for o in crew for s in o.page_seconds] or [0.0]), problems)


def concurrency_table(results: list[ConcurrencyResult]) -> str:
    rows = []
    for r in results:
        ok = r.errors == 0 and r.lost == 0 and r.save_timing.p95 < P95_TARGET_MS
        rows.append((r.engine, r.officers, r.workers, f"{r.think:g}", r.saves, r.accepted,
                     r.conflicts, r.errors, r.lost, f"{r.throughput:.1f}",
                     r.save_timing.median, r.save_timing.p95, r.page_timing.p95, verdict(ok)))
    return table(("Engine", "Officers", "Workers", "Think s", "Saves", "Accepted",
                  "Conflict page", "Errors", "Lost updates", "Saves/s", "Save median ms",
                  "Save p95 ms", "Page GET p95 ms", "Target met"), rows)
