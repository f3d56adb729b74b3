"""What every benchmark shares: where the databases live, the app they run, and the sign-in.

The benchmarks build the app with ``create_app(config)`` (as the tests do), so neither
``instance/config.py`` nor the environment can change what is measured. Two-factor sign-in and
the sign-in rate limit are off: the benchmarks sign hundreds of people in through the real form,
and neither check is on the path of the pages being timed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"  # git-ignored: SQLite files, JSON, profiles
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_PASSWORD = "bench-password-not-a-secret"
BENCH_SECRET = "bench-secret-key-that-is-long-enough-0123456789"
ENGINES = ("sqlite", "postgres")


def postgres_base_url() -> str:
    """The server to create benchmark databases on (``BENCH_POSTGRES_URL`` overrides)."""
    url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def database_url(engine: str, name: str) -> str:
    """The URL of benchmark database ``name`` on ``engine`` (``sqlite`` or ``postgres``)."""
    if engine == "sqlite":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{RESULTS_DIR / f'{name}.db'}"
    if engine == "postgres":
        url = sa.engine.make_url(postgres_base_url()).set(database=f"prodmaturity_{name}")
        return url.render_as_string(hide_password=False)
    raise ValueError(f"unknown engine {engine!r}: use sqlite or postgres")


def absolute_url(url: str) -> str:
    """Make a relative SQLite path absolute from the working directory, and its folder exist.

    Flask-SQLAlchemy would otherwise read it relative to the instance folder.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return url
    path = Path(parsed.database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def engine_of(url: str) -> str:
    return "postgres" if url.startswith("postgres") else "sqlite"


def recreate_database(url: str) -> None:
    """Start from nothing: delete the SQLite file, or drop and create the PostgreSQL database."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def bench_config(url: str, **overrides: Any) -> dict[str, Any]:
    """The app's configuration for a benchmark run on the database at ``url``."""
    config: dict[str, Any] = {
        "SECRET_KEY": BENCH_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,  # in-process only; the HTTP benchmark posts real tokens
        "TWO_FACTOR_REQUIRED_LGA": False,
        "TWO_FACTOR_REQUIRED_COUNCIL": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_OUTBOX_DIR": str(Path(tempfile.gettempdir()) / "prodmaturity-bench-outbox"),
        "SERVICE_URL": "http://localhost",
    }
    config.update(overrides)
    return config


def make_app(url: str, **overrides: Any) -> Flask:
    """The real app, with every blueprint, on the benchmark database."""
    from prodmaturity import create_app

    return create_app(bench_config(url, **overrides))


def data_app(url: str) -> Flask:
    """Config and extensions only: what the data generator needs, without any view module.

    Generation must not depend on pages that other people are still writing.
    """
    from prodmaturity import load_config, register_extensions

    app = Flask("prodmaturity", instance_path=str(ROOT / "instance"),
                instance_relative_config=True)
    load_config(app, bench_config(url))
    register_extensions(app)
    return app


def sign_in(client: Any, email: str, password: str = BENCH_PASSWORD) -> None:
    """Sign in through the real form; fail loudly if the app did not let us in."""
    response = client.post("/sign-in", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed: HTTP {response.status_code}")
