"""The OpenAPI description matches the API: same paths, responses valid against its schemas,
and schemathesis, generating requests from it, finds no server errors or schema violations."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings

from prodmaturity.api.openapi import openapi_document
from prodmaturity.models import Round
from tests.test_api import A, B, bearer, cyber_round  # noqa: F401  (fixture)


def _api_paths(app: Flask) -> set[str]:
    return {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/")}


def test_every_api_route_is_described_and_every_description_is_a_route(app: Flask) -> None:
    assert _api_paths(app) == set(openapi_document()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            assert rule.methods and rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule


def test_the_description_is_public_and_served_as_json(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    assert response.json["openapi"].startswith("3.1")
    assert response.json == openapi_document()


def _validator(schema: dict[str, Any]) -> Any:
    document = openapi_document()
    return jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})


def _response_schema(path: str, status: int) -> dict[str, Any]:
    operation = openapi_document()["paths"][path]["get"]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("who", ["analyst", "lead"])
def test_real_responses_validate_against_the_declared_schemas(cyber_round: Round,  # noqa: F811
                                                              client: Any,
                                                              people: dict[str, Any],
                                                              who: str) -> None:
    headers = bearer(people[who])
    values = {"round_id": cyber_round.id, "version_id": cyber_round.framework_version_id,
              "gss_code": A}
    seen = set()
    for path in openapi_document()["paths"]:
        if path.endswith("openapi.json"):
            continue
        for url_values in (values, {**values, "gss_code": B}, {**values, "round_id": 999999}):
            response = client.get(path.format(**url_values), headers=headers)
            schema = _response_schema(path, response.status_code)
            errors = [e.message for e in _validator(schema).iter_errors(response.json)]
            assert errors == [], (path, response.status_code, errors)
            seen.add(response.status_code)
    assert seen >= ({200, 404, 403} if who == "lead" else {200, 404})


def test_schemathesis_finds_no_server_errors_or_schema_violations(
        app: Flask, cyber_round: Round, people: dict[str, Any]) -> None:  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(people["analyst"])
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers)

        check()
