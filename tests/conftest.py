"""Fixtures: an app per test on a real database (SQLite by default, PostgreSQL when
``DATABASE_URL`` says so), emptied between tests; clients; and signing in as anyone."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from prodmaturity import create_app
from prodmaturity.extensions import db
from tests import services as service_checks

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return service_checks.fresh_postgres_database(url, f"prodmaturity_test_{_worker()}")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def base_config(database_url: str, outbox: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX_DIR": str(outbox),
        "SERVICE_URL": "http://localhost",
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "TWO_FACTOR_REQUIRED_LGA": False,
        "TWO_FACTOR_REQUIRED_COUNCIL": False,
    }


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    app = create_app(base_config(database_url, tmp_path_factory.mktemp("outbox")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(_schema: str, tmp_path: Path, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    config = base_config(_schema, tmp_path / "outbox")
    config.update(config_overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _empty_tables()
        from prodmaturity.extensions import limiter

        limiter.reset()
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    db.session.expire_all()


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would.

    The ``app`` fixture keeps an app context open so tests can use the database directly;
    without this, requests would reuse that context and share ``g`` (the signed-in user, the
    CSP nonce) and the test's database session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    """The app with CSRF checks on, as in production (tests post the token themselves)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def councils(app: Flask) -> dict[str, Any]:
    from tests.factories import make_councils

    return make_councils()


@pytest.fixture
def people(app: Flask, councils: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import make_people

    return make_people(councils)


@pytest.fixture
def login_as(app: Flask) -> Any:
    """``login_as(user)`` returns a client signed in as that user (through the real form)."""
    from tests.factories import PASSWORD, sign_in

    def _login(user: Any, password: str = PASSWORD) -> FlaskClient:
        c = app.test_client()
        response = sign_in(c, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return _login


def count_rows(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)
