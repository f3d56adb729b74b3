"""Register every `flask --app wsgi <command>` group."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .admin.cli import users_cli
    from .councils.cli import councils_cli
    from .demo import demo_command
    from .frameworks.cli import frameworks_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(councils_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(frameworks_cli)
