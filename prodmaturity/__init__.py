"""prodmaturity: councils' national self-assessments, and the LGA's view of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .config import Defaults, check_production, environment_overrides, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, templates, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        static_folder=str(ROOT / "static"),
        static_url_path="/assets",
        template_folder=str(ROOT / "templates"),
    )
    load_config(app, test_config)
    register_extensions(app)
    register_frontend(app)
    register_blueprints(app)
    register_commands(app)
    return app


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    import os

    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(environment_overrides(os.environ))
    else:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'prodmaturity.db'}"
        )
    uri = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # Waiting on a lock beats failing a colleague's save with "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    if not app.config["MAIL_OUTBOX_DIR"]:
        app.config["MAIL_OUTBOX_DIR"] = str(Path(app.instance_path) / "outbox")
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config["PRODUCTION"]:
        app.config["SESSION_COOKIE_SECURE"] = True
    check_production(app.config)


def register_extensions(app: Flask) -> None:
    from . import (
        database,  # noqa: F401  (SQLite pragmas on every connection)
        models,  # noqa: F401  (registers every table on the metadata)
    )
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from .auth.sessions import init_app as init_sessions
    from .security import init_app as init_security

    init_sessions(app)
    init_security(app)


def register_frontend(app: Flask) -> None:
    from .errors import init_app as init_errors
    from .frontend import init_app as init_frontend

    init_frontend(app)
    init_errors(app)


def register_blueprints(app: Flask) -> None:
    from .account.views import bp as account_bp
    from .admin import frameworks as _admin_frameworks  # noqa: F401  (routes on admin_bp)
    from .admin import security as _admin_security  # noqa: F401  (routes on admin_bp)
    from .admin.views import bp as admin_bp
    from .api.tokens_views import bp as api_tokens_bp
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .council import results as _council_results  # noqa: F401
    from .council import team as _council_team  # noqa: F401  (routes on council_bp)
    from .council.views import bp as council_bp
    from .exports.views import bp as exports_bp
    from .frameworks.views import bp as frameworks_bp
    from .lga import overview_views as _lga_overview  # noqa: F401  (with results_views)
    from .lga.views import bp as lga_bp
    from .main.views import bp as main_bp
    from .pages.views import bp as pages_bp
    from .programme.views import bp as programme_bp

    for bp in (main_bp, pages_bp, auth_bp, admin_bp, council_bp, frameworks_bp, lga_bp,
               programme_bp, exports_bp, api_bp, api_tokens_bp, account_bp):
        app.register_blueprint(bp)


def register_commands(app: Flask) -> None:
    from .cli import init_app as init_cli

    init_cli(app)
