"""The one way the admin and council-lead pages report an account change to the person."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from werkzeug.wrappers import Response

from . import lifecycle


def run_and_report(action: Callable[[], object], done: str, back: str) -> Response:
    """Run a lifecycle change; flash success, or the rule that refused it; go back (PRG)."""
    try:
        action()
    except lifecycle.LifecycleError as exc:
        flash(str(exc), "info")
    else:
        flash(done, "success")
    return redirect(back)
