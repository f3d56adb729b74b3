"""The read-only JSON API at ``/api/v1``: rounds, frameworks and results, for tokens only.

Described by the OpenAPI document at ``/api/v1/openapi.json``; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ..extensions import csrf
from ..permissions import Permission, public
from . import services
from .auth import error, token_required, token_user
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.errorhandler(404)
def not_found(exc: Any) -> Response:
    return error(404, "not_found", "There is nothing at this address")


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.route("/rounds")
@token_required(Permission.SIGNED_IN)
def rounds() -> Response:
    return jsonify(rounds=services.list_rounds())


@bp.route("/rounds/<int:round_id>")
@token_required(Permission.SIGNED_IN)
def round_detail(round_id: int) -> Response:
    round_ = services.get_round(round_id)
    if round_ is None:
        return error(404, "not_found", "No round has this id")
    return jsonify(services.round_json(round_))


@bp.route("/rounds/<int:round_id>/results")
@token_required(Permission.SIGNED_IN)
def round_results(round_id: int) -> Response:
    round_ = services.get_round(round_id)
    if round_ is None:
        return error(404, "not_found", "No round has this id")
    return jsonify(services.aggregate_json(round_, token_user()))


@bp.route("/rounds/<int:round_id>/councils")
@token_required(Permission.LGA_READ)
def council_results(round_id: int) -> Response:
    round_ = services.get_round(round_id)
    if round_ is None:
        return error(404, "not_found", "No round has this id")
    return jsonify(results=services.council_results(token_user(), round_))


@bp.route("/rounds/<int:round_id>/councils/<gss_code>")
@token_required(Permission.SIGNED_IN)
def council_result(round_id: int, gss_code: str) -> Response:
    round_ = services.get_round(round_id)
    if round_ is None:
        return error(404, "not_found", "No round has this id")
    try:
        result = services.council_result(token_user(), round_, gss_code)
    except services.OutOfScope:
        return error(403, "forbidden", "Your token can read your own council's results only")
    if result is None:
        return error(404, "not_found", "This council has no assessment in this round")
    return jsonify(result)


@bp.route("/frameworks")
@token_required(Permission.SIGNED_IN)
def frameworks() -> Response:
    return jsonify(frameworks=services.list_frameworks())


@bp.route("/frameworks/<int:version_id>")
@token_required(Permission.SIGNED_IN)
def framework_detail(version_id: int) -> Response:
    version = services.get_version(version_id)
    if version is None:
        return error(404, "not_found", "No framework version has this id")
    return jsonify(services.framework_json(version))
