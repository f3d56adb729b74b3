"""The OpenAPI 3.1 description of ``/api/v1``, written by hand so it is the contract.

``tests/test_api_openapi.py`` checks that every API route is described here and every path here
is a route, and that real responses validate against these schemas (with schemathesis too).
"""

from __future__ import annotations

from typing import Any

ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], *, open_: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": open_}


FRAMEWORK_FIELDS = {
    "id": ID, "slug": {"type": "string"}, "version": {"type": "string"},
    "title": {"type": "string"}, "kind": {"enum": ["maturity", "questionnaire"]},
    "checksum": {"type": "string", "description": "SHA-256 of the canonical content"},
}
SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": _object({
        "status": {"type": "integer"}, "code": {"type": "string"},
        "message": {"type": "string"}})}),
    "FrameworkSummary": _object(FRAMEWORK_FIELDS),
    "Framework": _object({**FRAMEWORK_FIELDS, "content": {
        "type": "object",
        "description": "The framework's canonical form: sections, items, stages or options and "
                       "scoring rules (see docs/frameworks.md)"}}),
    "Round": _object({
        "id": ID, "title": {"type": "string"},
        "opens_on": {"type": "string", "format": "date"},
        "closes_on": {"type": "string", "format": "date"},
        "state": {"enum": ["upcoming", "open", "closed"]},
        "framework": _ref("FrameworkSummary")}),
    "AggregateFigure": _object({
        "table": {"type": "string"}, "group_key": {"type": "string"},
        "group_label": {"type": "string"}, "subject_key": {"type": "string"},
        "subject_title": {"type": "string"}, "metric": {"type": "string"},
        "value": NULLABLE_NUMBER,
        "suppressed": {**NULLABLE_STRING, "description": "Why the value is withheld"}}),
    "AggregateResults": _object({
        "round_id": ID, "kind": {"enum": ["maturity", "questionnaire"]},
        "councils": {"type": "integer", "description": "Submitted or accepted returns counted"},
        "suppressed": NULLABLE_STRING,
        "figures": {"type": "array", "items": _ref("AggregateFigure")}}),
    "CouncilResult": _object({
        "round_id": ID,
        "council": _object({"gss_code": {"type": "string"}, "name": {"type": "string"},
                            "region": {"type": "string"}, "type": {"type": "string"}}),
        "status": {"enum": ["not_started", "in_progress", "submitted", "returned", "accepted"]},
        "submitted_at": {**NULLABLE_STRING, "format": "date-time"},
        "overall": _object({
            "percent": NULLABLE_NUMBER, "band": NULLABLE_STRING, "rag": NULLABLE_STRING,
            "median_stage": NULLABLE_NUMBER, "mean_stage": NULLABLE_NUMBER,
            "share_mature": NULLABLE_NUMBER, "critical_failures": NULLABLE_NUMBER}),
        "sections": {"type": "array", "items": _object({
            "key": {"type": "string"}, "title": {"type": "string"},
            "percent": NULLABLE_NUMBER, "band": NULLABLE_STRING, "rag": NULLABLE_STRING,
            "median_stage": NULLABLE_NUMBER, "mean_stage": NULLABLE_NUMBER,
            "share_mature": NULLABLE_NUMBER, "answered": {"type": "integer"},
            "critical_failures": {"type": "integer"}})}}),
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    401: _json("No token, or a revoked or unknown one, or the user is deactivated",
               _ref("Error")),
    403: _json("The token's user may not read this", _ref("Error")),
    404: _json("No such round, framework version or council result", _ref("Error")),
}


def _get(summary: str, ok: dict[str, Any], *errors: int,
         parameters: tuple[str, ...] = ()) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {"200": ok, **{str(code): ERRORS[code] for code in (401, *errors)}},
    }
    if parameters:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in parameters]
    return {"get": operation}


def _list(key: str, item: str) -> dict[str, Any]:
    return _object({key: {"type": "array", "items": _ref(item)}})


PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {"get": {
        "summary": "This description", "security": [],
        "responses": {"200": _json("The OpenAPI 3.1 document", {"type": "object"})}}},
    "/api/v1/rounds": _get("Every round, newest first", _json("Rounds", _list("rounds", "Round"))),
    "/api/v1/rounds/{round_id}": _get("One round", _json("The round", _ref("Round")), 404,
                                      parameters=("round_id",)),
    "/api/v1/rounds/{round_id}/results": _get(
        "The round's aggregated results, from submitted and accepted returns. Groups of fewer "
        "than 5 councils are withheld unless the token belongs to LGA staff",
        _json("Aggregated figures", _ref("AggregateResults")), 404, parameters=("round_id",)),
    "/api/v1/rounds/{round_id}/councils": _get(
        "Each council's results (LGA tokens only; submitted and accepted returns)",
        _json("Council results", _list("results", "CouncilResult")), 403, 404,
        parameters=("round_id",)),
    "/api/v1/rounds/{round_id}/councils/{gss_code}": _get(
        "One council's results (LGA tokens, or that council's own)",
        _json("The council's results", _ref("CouncilResult")), 403, 404,
        parameters=("round_id", "gss_code")),
    "/api/v1/frameworks": _get("Every framework version",
                               _json("Framework versions",
                                     _list("frameworks", "FrameworkSummary"))),
    "/api/v1/frameworks/{version_id}": _get(
        "One framework version with its content", _json("The framework", _ref("Framework")),
        404, parameters=("version_id",)),
}

PARAMETERS = {
    "round_id": {"name": "round_id", "in": "path", "required": True, "schema": ID},
    "version_id": {"name": "version_id", "in": "path", "required": True, "schema": ID},
    "gss_code": {"name": "gss_code", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[A-Z][0-9]{8}$"},
                 "description": "The council's GSS code, such as E07000001"},
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "prodmaturity API",
            "version": "1.0.0",
            "description": "Read-only access to rounds, frameworks and results. Create a token "
                           "on your account page and send it as `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
        },
    }
