"""The start page, each role's home, and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..permissions import public

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home() -> str:
    """Signed out: what the service is. Signed in: what needs your attention."""
    if not current_user.is_authenticated:
        return render_template("main/start.html")
    return render_template("main/home.html")


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
