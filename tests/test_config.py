"""Configuration: defaults, the environment's overrides, and refusing unsafe production settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prodmaturity import create_app
from prodmaturity.config import INSECURE_SECRET, ConfigError, normalise_database_url

LONG_SECRET = "a-production-secret-that-is-long-enough-1234567890"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A clean environment pointing at a throwaway SQLite file (instance/config.py still applies,
    but every setting these tests check comes from the environment, which wins)."""
    import os

    for name in list(os.environ):
        if name.startswith(("MAIL_", "PRODMATURITY_")) or name in (
            "DATABASE_URL", "REDIS_URL", "SECRET_KEY"
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("PRODMATURITY_MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    return monkeypatch


def test_defaults_are_safe(env: pytest.MonkeyPatch) -> None:
    config = create_app().config
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["LOGIN_MAX_FAILURES"] == 5
    assert config["MAIL_BACKEND"] == "outbox"


@pytest.mark.parametrize("secret", [None, INSECURE_SECRET, "short-secret", "x" * 31])
def test_production_refuses_a_weak_secret_key(tmp_path: Path, secret: str | None) -> None:
    config: dict[str, Any] = {"PRODUCTION": True,
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"}
    if secret is not None:
        config["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app(config)


def test_production_starts_with_a_long_secret_and_secure_cookies(tmp_path: Path) -> None:
    app = create_app({"PRODUCTION": True, "SECRET_KEY": LONG_SECRET,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_from_the_environment_needs_a_secret(env: pytest.MonkeyPatch) -> None:
    env.setenv("PRODMATURITY_PRODUCTION", "true")
    with pytest.raises(ConfigError):
        create_app()
    env.setenv("SECRET_KEY", LONG_SECRET)
    assert create_app().config["PRODUCTION"] is True


def test_environment_overrides(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("SECRET_KEY", LONG_SECRET)
    env.setenv("MAIL_BACKEND", "smtp")
    env.setenv("MAIL_SERVER", "smtp.example")
    env.setenv("MAIL_PORT", "587")
    env.setenv("MAIL_USERNAME", "12345")
    env.setenv("MAIL_PASSWORD", "007")
    env.setenv("MAIL_USE_TLS", "True")
    env.setenv("PRODMATURITY_LOGIN_MAX_FAILURES", "3")
    env.setenv("PRODMATURITY_SERVICE_NAME", "Council check")
    env.setenv("PRODMATURITY_SERVICE_URL", "https://check.example")

    config = create_app().config

    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'env.db'}"
    assert config["SECRET_KEY"] == LONG_SECRET
    assert (config["MAIL_BACKEND"], config["MAIL_SERVER"], config["MAIL_PORT"]) == (
        "smtp", "smtp.example", 587)
    # Text settings stay text even when they look like numbers.
    assert (config["MAIL_USERNAME"], config["MAIL_PASSWORD"]) == ("12345", "007")
    assert config["MAIL_USE_TLS"] is True
    assert config["LOGIN_MAX_FAILURES"] == 3
    assert config["SERVICE_NAME"] == "Council check"
    assert config["SERVICE_URL"] == "https://check.example"


@pytest.mark.parametrize("raw, expected", [
    ("true", True), ("True", True), ("1", True), ("yes", True),
    ("false", False), ("False", False), ("0", False), ("no", False),
])
def test_booleans_from_the_environment(env: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    env.setenv("MAIL_USE_TLS", raw)
    assert create_app().config["MAIL_USE_TLS"] is expected


@pytest.mark.parametrize("name, raw, message", [
    ("MAIL_USE_TLS", "maybe", "MAIL_USE_TLS must be true or false"),
    ("MAIL_PORT", "twenty-five", "MAIL_PORT must be a whole number"),
    ("PRODMATURITY_LOGIN_MAX_FAILURES", "5.5", "LOGIN_MAX_FAILURES must be a whole number"),
])
def test_bad_values_from_the_environment(env: pytest.MonkeyPatch, name: str, raw: str,
                                         message: str) -> None:
    env.setenv(name, raw)
    with pytest.raises(ConfigError, match=message):
        create_app()


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:p@db.example:5432/app", "postgresql+psycopg://u:p@db.example:5432/app"),
    ("postgresql://u@db/app", "postgresql+psycopg://u@db/app"),
    ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_postgres_urls_use_psycopg(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


def test_database_url_from_the_environment_is_normalised(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgres://u:p@db.example/app")
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://u:p@db.example/app"


def test_redis_url_becomes_the_rate_limit_store(env: pytest.MonkeyPatch) -> None:
    env.setenv("REDIS_URL", "redis://cache.example:6379/0")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/0"
