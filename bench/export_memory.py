"""Peak memory while streaming a 200,000-row responses export through the app.

    .venv/bin/python bench/export_memory.py [--councils 4300] [--db /tmp/export-bench.db]

Builds a SQLite file with ``--councils`` councils answering every one of the cyber stock-take's
47 questions (4,300 x 47 = 202,100 responses; rows are bulk inserted), then, in a fresh
subprocess, signs an LGA analyst's session cookie, calls the WSGI app for
``/exports/rounds/<id>/responses-long.csv`` and reads the body chunk by chunk as a server would,
keeping none of it. The child reports its peak RSS (``resource.getrusage``), so data generation
does not count. The export must stay under 150 MB however many rows there are.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_MB = 150
SECRET = "bench-secret-key-that-is-long-enough-0123456789"


def config(db_path: Path) -> dict[str, object]:
    return {"TESTING": True, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "MAIL_OUTBOX_DIR": str(db_path.parent / "bench-outbox"),
            "RATELIMIT_STORAGE_URI": "memory://"}


def build(db_path: Path, councils: int) -> int:
    """Create the database; returns the round id."""
    import sqlalchemy as sa

    from prodmaturity import create_app
    from prodmaturity.extensions import db
    from prodmaturity.frameworks import load_framework_file, shipped_framework_paths
    from prodmaturity.frameworks.store import store_framework
    from prodmaturity.models import Assessment, Council, Response, Round, User
    from prodmaturity.timeutil import utcnow

    db_path.unlink(missing_ok=True)
    app = create_app(config(db_path))
    with app.app_context():
        db.create_all()
        path = next(p for p in shipped_framework_paths() if p.stem == "cyber-stocktake-2018")
        version = store_framework(load_framework_file(path)).version
        framework = version.framework
        db.session.add(User(email="analyst@lga.example", name="Bench Analyst",
                            role="lga_analyst", password_hash="x"))
        round_ = Round(framework_version_id=version.id, title="Bench round",
                       opens_on=date.today() - timedelta(days=30), closes_on=date.today())
        db.session.add(round_)
        db.session.commit()
        db.session.execute(sa.insert(Council), [
            {"id": n, "gss_code": f"E{n:08d}", "name": f"Council number {n}",
             "short_name": f"C{n}", "type": "district", "region": "South East"}
            for n in range(1, councils + 1)])
        db.session.execute(sa.insert(Assessment), [
            {"id": n, "round_id": round_.id, "council_id": n, "status": "submitted",
             "submitted_at": utcnow(), "created_at": utcnow()} for n in range(1, councils + 1)])
        items = [(framework.section_of(i.key).key, i) for i in framework.items()]
        now = utcnow()
        for start in range(1, councils + 1, 500):
            rows = []
            for n in range(start, min(start + 500, councils + 1)):
                for section, item in items:
                    options = getattr(item, "options", ())
                    answer = options[n % len(options)].value if options else n
                    rows.append({"assessment_id": n, "section_key": section,
                                 "item_key": item.key, "answer": answer,
                                 "comment": f"=Comment {n} on {item.key}, with \"quotes\"",
                                 "points": 1.0, "max_points": 3.0, "updated_at": now})
            db.session.execute(sa.insert(Response), rows)
        db.session.commit()
        round_id = round_.id
        db.engine.dispose()
    return round_id


def measure(db_path: Path, round_id: int) -> dict[str, float]:
    """In this (fresh) process: stream the export once and report rows, bytes, time, peak."""
    import contextvars

    from flask.sessions import SecureCookieSessionInterface
    from werkzeug.test import EnvironBuilder

    from prodmaturity import create_app
    from prodmaturity.auth.sessions import start_session
    from prodmaturity.extensions import db
    from prodmaturity.models import User

    app = create_app(config(db_path))
    with app.test_request_context():
        user = db.session.query(User).filter_by(email="analyst@lga.example").one()
        start_session(user)
        from flask import session

        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        assert serializer is not None
        cookie = serializer.dumps(dict(session))
        db.session.remove()
    before = _peak_mb()
    environ = EnvironBuilder(
        path=f"/exports/rounds/{round_id}/responses-long.csv",
        headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}).get_environ()

    def run() -> tuple[str, int, int]:
        status: list[str] = []
        body = app(environ, lambda s, h, exc_info=None: status.append(s))
        size = newlines = 0
        try:
            for chunk in body:
                size += len(chunk)
                newlines += chunk.count(b"\r\n")
        finally:
            getattr(body, "close", lambda: None)()
        return status[0], size, newlines

    started = time.perf_counter()
    status, size, lines = contextvars.Context().run(run)
    elapsed = time.perf_counter() - started
    assert status.startswith("200"), status
    return {"rows": lines - 1, "bytes": size, "seconds": elapsed,
            "peak_mb_before": before, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=4300)
    parser.add_argument("--db", type=Path, default=Path("/tmp/export-bench.db"))
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child's mode
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.db, args.measure)))
        return 0
    started = time.perf_counter()
    round_id = build(args.db, args.councils)
    print(f"built {args.db} in {time.perf_counter() - started:.1f} s")
    child = subprocess.run([sys.executable, __file__, "--db", str(args.db), "--measure",
                            str(round_id)], capture_output=True, text=True, check=True)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    rate = result["rows"] / result["seconds"]
    print(f"rows streamed:       {result['rows']:,} ({result['bytes'] / 1e6:.1f} MB of CSV)")
    print(f"time:                {result['seconds']:.1f} s ({rate:,.0f} rows/second)")
    print(f"peak RSS before:     {result['peak_mb_before']:.1f} MB (app loaded, signed in)")
    print(f"peak RSS streaming:  {result['peak_mb']:.1f} MB (limit {LIMIT_MB} MB)")
    return 0 if result["peak_mb"] < LIMIT_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
