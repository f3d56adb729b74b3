"""Frameworks for everyone signed in: the list, and a printable blank copy of each version.

Officers print the blank framework to gather colleagues' views on paper before filling it in.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..extensions import db
from ..models.framework import FrameworkVersion
from ..permissions import Permission, requires
from .store import list_versions

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")


@bp.route("")
@requires(Permission.SIGNED_IN)
def index() -> str:
    return render_template("frameworks/index.html", versions=list_versions())


@bp.route("/<int:version_id>")
@requires(Permission.SIGNED_IN)
def blank(version_id: int) -> str:
    version = db.session.get(FrameworkVersion, version_id) or abort(404)
    return render_template("frameworks/blank.html", version=version,
                           framework=version.framework)
