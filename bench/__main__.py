"""``python -m bench``: regenerate the data and print every benchmark table.

    .venv/bin/python -m bench --engines sqlite,postgres

For each engine: generate the 10-round data set and a 1-round one, time every page against its
floor, time the open-round pages with 1 round and with 10, time the CSV export against its
floor; on PostgreSQL, run the concurrent-editing test against gunicorn; then, once, the export's
peak memory. The tables are printed as Markdown and kept in bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .common import ENGINES, RESULTS_DIR, database_url, postgres_base_url
from .generate import Settings, generate_at

if TYPE_CHECKING:
    from .concurrency import ConcurrencyResult
    from .export import ExportResult
    from .pages import GrowthResult, PageResult

Results = tuple[list["PageResult"], list["GrowthResult"], list["ExportResult"],
                list["ConcurrencyResult"]]


def machine() -> str:
    """What the numbers were measured on (docs/performance.md repeats it)."""
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info
                    if line.startswith("model name")), "unknown")
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    try:
        engine = sa.create_engine(postgres_base_url())
        with engine.connect() as conn:
            postgres = str(conn.execute(sa.text("SHOW server_version")).scalar())
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        postgres = "not reachable"
    return "\n".join([
        f"- CPUs (nproc): {os.cpu_count()}; CPU: {cpu}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres}, SQLAlchemy {sa.__version__}",
        f"- Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "- Memory (free -h):", "", "```", memory, "```"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per page")
    parser.add_argument("--export-passes", type=int, default=3)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--saves", type=int, default=8, help="saves per officer")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--think", default="0,8",
                        help="mean seconds officers wait between saves, one run each (0,8)")
    parser.add_argument("--skip", default="", help="any of: pages,growth,export,memory,"
                        "concurrency")
    parser.add_argument("--no-generate", action="store_true", help="reuse the databases")
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    skip = set(args.skip.split(","))
    started = time.perf_counter()
    sections = ["## Machine", "", machine()]
    results: Results = ([], [], [], [])
    for engine in engines:
        full, one = database_url(engine, "bench"), database_url(engine, "bench_1round")
        if not args.no_generate:
            for url, settings in (
                    (full, Settings(scale=args.scale, seed=args.seed)),
                    (one, Settings(scale=args.scale, seed=args.seed, rounds=1,
                                   frameworks=("nps-2018",)))):
                summary = generate_at(url, settings)
                line = f"{engine} {url.rsplit('/', 1)[-1]}: {summary.line()}"
                print(line, flush=True)
                sections.append(f"- Generated {line}")
        for collected, found in zip(results, run_engine(engine, full, one, args, skip),
                                    strict=True):
            collected.extend(found)  # type: ignore[attr-defined]
    sections += render(args, results, skip)
    sections += ["", f"Whole run: {time.perf_counter() - started:.0f} s; load average at end: "
                 f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    text = "\n".join(sections)
    print("\n" + text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.md").write_text(text + "\n")
    return 0


def run_engine(engine: str, full: str, one: str, args: argparse.Namespace, skip: set[str]
               ) -> Results:
    """Every benchmark on one engine's databases."""
    from .common import make_app
    from .concurrency import run_concurrency
    from .export import run_export
    from .pages import Runner, cases, discover, run_growth, run_pages

    slugs = ("nps-2018", "cyber-stocktake-2018")
    app = make_app(full)
    runner = Runner(app, full, cases(discover(app), slugs))
    pages = [] if "pages" in skip else run_pages(engine, runner, args.repeats)
    growth: list[GrowthResult] = []
    if "growth" not in skip:
        app_one = make_app(one)
        one_runner = Runner(app_one, one, cases(discover(app_one), slugs))
        growth = run_growth(engine, one_runner, runner, args.repeats)
        one_runner.close()
    runner.close()
    exports = [] if "export" in skip else [run_export(engine, app, full, args.export_passes)]
    concurrent: list[ConcurrencyResult] = []
    if engine == "postgres" and "concurrency" not in skip:
        concurrent = [run_concurrency(full, args.officers, args.saves, args.workers,
                                      float(think)) for think in args.think.split(",")]
    return pages, growth, exports, concurrent


def render(args: argparse.Namespace, results: Results, skip: set[str]) -> list[str]:
    """The tables, each under a heading that states its target."""
    from .concurrency import concurrency_table
    from .export import export_table, run_memory
    from .pages import growth_table, page_table

    pages, growth, exports, concurrent = results
    out = [f"\nRepeats per page: {args.repeats} timed (after 2 warm-up), interleaved with the "
           f"floor; scale {args.scale}, seed {args.seed}."]
    if pages:
        out += ["", "## Pages against their floors (target: p95 < 150 ms; aggregated results "
                "within 2x of floor)", "", page_table(pages)]
    if growth:
        out += ["", "## Open-round pages with 1 round vs 10 rounds in the database (target: "
                "growth < 20%)", "", growth_table(growth)]
    memory = None if "memory" in skip else run_memory()
    if exports or memory:
        out += ["", "## CSV export of all responses (target: >= half the floor's rows/s; "
                "peak < 150 MB)", "", export_table(exports, memory)]
    if concurrent:
        out += ["", "## Concurrent editing against gunicorn (target: 50 officers, no errors, "
                "no lost updates, save p95 < 500 ms)", "", concurrency_table(concurrent)]
        for result in concurrent:
            out += [f"- problem: {p}" for p in result.problems[:10]]
    return out


if __name__ == "__main__":
    sys.exit(main())
