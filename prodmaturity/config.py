"""Configuration: safe local defaults, overridden by instance/config.py, then the environment.

Environment variables win so a deployment never needs a file on disk: ``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY``, ``MAIL_*`` and any ``PRODMATURITY_<NAME>``.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

INSECURE_SECRET = "dev-only-insecure-secret-key"


class Defaults:
    SECRET_KEY = INSECURE_SECRET
    SQLALCHEMY_DATABASE_URI = ""  # filled from the instance folder in load_config
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    REDIS_URL = ""
    # Sessions: Flask-Login's remember cookie is never used; the session cookie is.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (see load_config)
    SESSION_COOKIE_NAME = "prodmaturity_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # absolute lifetime
    SESSION_IDLE_MINUTES = 30
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token
    # Sign-in protection
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    RATELIMIT_SIGN_IN = "20 per 5 minutes"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Two-factor sign-in. LGA roles need it whatever this says when PRODUCTION is on (the
    # setting exists for tests and local runs); council roles follow their setting.
    TWO_FACTOR_REQUIRED_LGA = True
    TWO_FACTOR_REQUIRED_COUNCIL = True
    TWO_FACTOR_CODE_MINUTES = 10  # an emailed code, and the wait between the two steps
    TWO_FACTOR_MAX_ATTEMPTS = 5  # wrong codes before the account is locked
    INVITATION_DAYS = 7
    RESET_MINUTES = 60
    # Mail: written to instance/outbox unless MAIL_BACKEND is "smtp".
    MAIL_BACKEND = "outbox"
    MAIL_DEFAULT_SENDER = "prodmaturity <no-reply@prodmaturity.local>"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    MAIL_OUTBOX_DIR = ""  # default instance/outbox
    # GOV.UK Notify (MAIL_BACKEND = "notify"): our template names -> Notify template ids; each
    # Notify template shows ((subject)) and ((body)). A "default" id serves unlisted names.
    NOTIFY_API_KEY = ""
    NOTIFY_TEMPLATE_IDS: dict[str, str] = {}
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    SERVICE_NAME = "Council productivity self-assessment"
    SERVICE_URL = "http://127.0.0.1:5000"
    PRODUCTION = False
    COMMENT_MAX_LENGTH = 2000


ENV_NAMES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "SECRET_KEY": "SECRET_KEY",
    "NOTIFY_API_KEY": "NOTIFY_API_KEY",
}


class ConfigError(RuntimeError):
    """The app must not start with this configuration."""


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def _coerce(key: str, raw: str) -> Any:
    """Read an env value as the type of its default: a numeric MAIL_PASSWORD stays text and
    ``False`` is false. Settings without a default are read as JSON when they parse, else text."""
    default = getattr(Defaults, key, None)
    if isinstance(default, bool):
        word = raw.strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise ConfigError(f"{key} must be true or false, not {raw!r}")
    if isinstance(default, str):
        return raw
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{key} must be a whole number, not {raw!r}") from exc
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def environment_overrides(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for env, key in ENV_NAMES.items():
        if environ.get(env):
            out[key] = environ[env]
    for env, raw in environ.items():
        if env.startswith("MAIL_"):
            out[env] = _coerce(env, raw)
        elif env.startswith("PRODMATURITY_"):
            key = env.removeprefix("PRODMATURITY_")
            out[key] = _coerce(key, raw)
    return out


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs (as Heroku-style hosts give them)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def check_production(config: dict[str, Any]) -> None:
    secret = config.get("SECRET_KEY") or ""
    if config.get("PRODUCTION") and (secret == INSECURE_SECRET or len(secret) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )
    if config.get("MAIL_BACKEND") == "notify" and not config.get("NOTIFY_API_KEY"):
        raise ConfigError("NOTIFY_API_KEY must be set when MAIL_BACKEND is notify")
