"""`/healthz` says whether the app can reach its database, as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from prodmaturity import create_app
from prodmaturity.extensions import db
from tests.conftest import base_config


def test_healthy(app: Flask, client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_unreachable_database(app: Flask, tmp_path: Path) -> None:
    config = base_config("postgresql+psycopg://nobody@127.0.0.1:1/x", tmp_path / "outbox")
    unreachable = create_app(config)
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    with unreachable.app_context():
        db.engine.dispose()


def test_database_error(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "execute", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "server closed" not in response.get_data(as_text=True)
