"""Reaching PostgreSQL and Redis from tests: skip with a reason locally, fail in CI."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    """`.ci/run` sets this: there a missing service is a failure, not a skip."""
    return os.environ.get("PRODMATURITY_REQUIRE_SERVICES") == "1"


def unavailable(what: str, why: str) -> None:
    message = f"{what} is not reachable ({why}); start it or set the URL to run these tests"
    if services_required():
        pytest.fail(message + " — PRODMATURITY_REQUIRE_SERVICES=1 makes this a failure")
    pytest.skip(message)


def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = DEFAULT_POSTGRES_URL
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def fresh_postgres_database(url: str, name: str) -> str:
    """Create (or re-create) a scratch database beside the given one; return its URL."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin_engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        unavailable("PostgreSQL", str(exc).splitlines()[0])
    finally:
        admin_engine.dispose()
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def require_postgres(name: str) -> str:
    return fresh_postgres_database(postgres_url(), name)


def require_redis() -> str:
    import redis

    url = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable("Redis", str(exc))
    return url
