"""Error pages in GOV.UK style, and JSON errors for the API and health checks.

Each handled status has ``templates/errors/<code>.html``. Requests under ``/api/`` or
``/healthz`` get ``{"error": {"status": code, "message": ...}}`` instead. Nothing from an
exception's text reaches the user for a 500.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from flask import Flask, current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

JSON_PREFIXES = ("/api/", "/healthz")

# Plain-English messages for JSON answers; the HTML pages say more.
MESSAGES = {
    400: "The request was not sent correctly",
    401: "Sign in to continue",
    403: "You do not have permission to do this",
    404: "Not found",
    405: "This method is not allowed here",
    413: "The request is too large",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}
PAGES = {400, 403, 404, 405, 413, 429, 500}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)


def wants_json() -> bool:
    path = request.path
    return path.startswith(JSON_PREFIXES) or path == "/api"


def json_error(status: int, message: str | None = None) -> ResponseReturnValue:
    body = {"error": {"status": status, "message": message or MESSAGES.get(status, "Error")}}
    return jsonify(body), status


def handle_csrf_error(error: CSRFError) -> ResponseReturnValue:
    if wants_json():
        return json_error(400, "The form expired or was not sent correctly")
    return render_template("errors/400.html", csrf_error=True), 400


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if status < 400:  # never turn a redirect into an error page
        return error
    if status >= 500:
        return handle_server_error(error)
    headers = _retry_headers(error)
    if wants_json():
        body, _ = json_error(status)  # type: ignore[misc]
        return body, status, headers
    context: dict[str, object] = {"status": status, "name": error.name}
    if status == 413:
        context["max_megabytes"] = _max_megabytes()
    if status == 429:
        context["wait_minutes"] = _wait_minutes(error)
    template = f"errors/{status}.html" if status in PAGES else "errors/generic.html"
    return render_template(template, **context), status, headers


def handle_server_error(error: Exception) -> ResponseReturnValue:
    """Show a fixed message: exception text can hold data or internals, so never show it."""
    status = getattr(error, "code", None) or 500
    _rollback()
    if wants_json():
        return json_error(status, MESSAGES[500])
    # The database may be the thing that failed: render without loading the user.
    g.plain_error_page = True
    return render_template("errors/500.html"), status


def _rollback() -> None:
    try:
        from .extensions import db

        db.session.rollback()
    except Exception:  # the error page must render whatever state we are in
        current_app.logger.warning("Could not roll back the session after an error")


def _max_megabytes() -> int | None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return max(1, math.ceil(limit / (1024 * 1024))) if limit else None


def _retry_seconds(error: HTTPException) -> float | None:
    """Seconds until the user may try again, from the error or the rate limiter."""
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, datetime):
        return retry_after.timestamp() - time.time()
    if isinstance(retry_after, int | float):
        return float(retry_after)
    try:
        from .extensions import limiter

        current = limiter.current_limit
        if current is not None:
            return current.reset_at - time.time()
    except Exception:  # no limiter on this request: say "a few minutes"
        return None
    return None


def _wait_minutes(error: HTTPException) -> int | None:
    """Whole minutes to wait (at least 1), or None when we cannot tell."""
    seconds = _retry_seconds(error)
    if seconds is None:
        return None
    return max(1, math.ceil(seconds / 60))


def _retry_headers(error: HTTPException) -> dict[str, str]:
    if error.code != 429:
        return {}
    seconds = _retry_seconds(error)
    return {"Retry-After": str(max(1, math.ceil(seconds)))} if seconds else {}
