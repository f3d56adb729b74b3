"""CSV export of all responses: rows per second against a plain SELECT, and peak memory.

Speed: every round's ``responses-long.csv?status=all`` (every response, whatever its status)
is fetched through the app as an LGA analyst and read chunk by chunk (nothing kept), so the
time covers the view, the streamed query and the CSV shaping. The floor is one plain SELECT of
the same responses joined to their councils, streamed, written with ``csv.writer`` to a
throw-away buffer.

Memory: ``bench/export_memory.py`` (the exports engineer's) already streams a 200,000-row export
in a fresh process and reports its peak RSS; we call it rather than measure twice.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from .common import RESULTS_DIR, ROOT, sign_in
from .floors import floor_engine
from .report import table, verdict

MEMORY_LIMIT_MB = 150.0
RATE_TARGET = 0.5  # of the floor's rows per second
ANALYST = "analyst@lga.bench.example"
FLOOR_SQL = """
SELECT r.id, r.title, c.gss_code, c.name, c.region, c.type, a.status, a.submitted_at,
       s.section_key, s.item_key, s.current_stage, s.target_stage, CAST(s.answer AS TEXT),
       s.points, s.max_points, s.not_applicable, s.carried_forward, s.comment, s.updated_at,
       u.name
FROM response s JOIN assessment a ON a.id = s.assessment_id
JOIN assessment_round r ON r.id = a.round_id JOIN council c ON c.id = a.council_id
LEFT JOIN user_account u ON u.id = s.updated_by_id
ORDER BY r.id, c.gss_code, a.id
"""


@dataclass(frozen=True)
class ExportResult:
    engine: str
    rows: int
    app_rate: float  # rows per second, median of the passes
    floor_rate: float
    passes: int

    @property
    def share(self) -> float:
        return self.app_rate / self.floor_rate


@dataclass(frozen=True)
class MemoryResult:
    rows: int
    seconds: float
    maxrss_mb: float  # what export_memory.py reports (inherited from the parent: see below)
    peak_mb: float  # VmHWM of the exporting process itself


def _app_pass(app: Flask, round_ids: list[int]) -> tuple[int, float]:
    client = app.test_client()
    sign_in(client, ANALYST)
    rows = 0
    started = time.perf_counter()
    for round_id in round_ids:
        response = client.get(f"/exports/rounds/{round_id}/responses-long.csv?status=all",
                              buffered=False)
        if response.status_code != 200:
            raise RuntimeError(f"export of round {round_id}: HTTP {response.status_code}")
        try:
            for chunk in response.response:
                rows += (chunk if isinstance(chunk, bytes) else chunk.encode()).count(b"\r\n")
        finally:
            response.close()
        rows -= 1  # the header line
    return rows, time.perf_counter() - started


def _floor_pass(engine: sa.Engine) -> tuple[int, float]:
    rows = 0
    started = time.perf_counter()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=1000).execute(sa.text(FLOOR_SQL))
        for row in result:
            writer.writerow(row)
            rows += 1
            if rows % 1000 == 0:
                buffer.seek(0)
                buffer.truncate()
    return rows, time.perf_counter() - started


def run_export(engine_name: str, app: Flask, url: str, passes: int) -> ExportResult:
    """Rows per second through the app and through the floor, ``passes`` times each in turn."""
    from prodmaturity.extensions import db
    from prodmaturity.models import Round

    with app.app_context():
        round_ids = list(db.session.scalars(sa.select(Round.id).order_by(Round.id)))
        db.session.remove()
    engine = floor_engine(url)
    app_rates, floor_rates, rows = [], [], 0
    try:
        for _ in range(passes):
            rows, seconds = _app_pass(app, round_ids)
            app_rates.append(rows / seconds)
            floor_rows, seconds = _floor_pass(engine)
            floor_rates.append(floor_rows / seconds)
    finally:
        engine.dispose()
    return ExportResult(engine_name, rows, statistics.median(app_rates),
                        statistics.median(floor_rates), passes)


_CHILD = """
import json, sys
from pathlib import Path
from bench import export_memory
found = export_memory.measure(Path(sys.argv[1]), int(sys.argv[2]))
status = Path("/proc/self/status").read_text()
found["hwm_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps(found))
"""


def run_memory(councils: int = 4300) -> MemoryResult:
    """Peak memory of a fresh process streaming ``councils`` x 47 rows (bench/export_memory.py).

    We report the child's ``VmHWM`` (its own address space's high-water mark, new at exec)
    rather than ``ru_maxrss``, which Linux carries into a child from the parent that spawned
    it: from this 200+ MB benchmark process it read 232 MB before the export began.
    """
    from . import export_memory

    path = RESULTS_DIR / "export-memory.db"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    round_id = export_memory.build(path, councils)
    child = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(round_id)],
                           capture_output=True, text=True, check=True, cwd=ROOT)
    found = json.loads(child.stdout.strip().splitlines()[-1])
    return MemoryResult(found["rows"], found["seconds"], found["peak_mb"], found["hwm_mb"])


def export_table(results: list[ExportResult], memory: MemoryResult | None) -> str:
    rows = [(r.engine, f"{r.rows:,}", r.passes, f"{r.app_rate:,.0f}", f"{r.floor_rate:,.0f}",
             f"{r.share:.2f}", verdict(r.share >= RATE_TARGET)) for r in results]
    text = table(("Engine", "Rows (all rounds)", "Passes", "App rows/s (median)",
                  "Floor rows/s (median)", "App / floor", "Target met (>= 0.5)"), rows)
    if memory is not None:
        text += "\n\n" + table(
            ("Export (SQLite, bench/export_memory.py)", "Rows", "Seconds", "Rows/s",
             "ru_maxrss MB (inherited)", "Peak RSS (VmHWM) MB", "Target met (< 150 MB)"),
            [("responses-long.csv, one round", f"{memory.rows:,}", memory.seconds,
              f"{memory.rows / memory.seconds:,.0f}", memory.maxrss_mb, memory.peak_mb,
              verdict(memory.peak_mb < MEMORY_LIMIT_MB))])
    return text
