"""The JSON API: tokens (made, hashed, revoked), 401/403/404, and each token's scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.api import tokens
from prodmaturity.extensions import db
from prodmaturity.models import ApiToken, AuditEvent, Round
from prodmaturity.timeutil import utcnow
from tests.factories import PASSWORD, load_shipped_framework
from tests.test_exports_data import answer_round, round_for

A, B = "E07000001", "E06000002"


@pytest.fixture
def cyber_round(app: Flask, councils: dict[str, Any], people: dict[str, Any]) -> Round:
    round_ = round_for(load_shipped_framework("cyber-stocktake-2018"),
                       [councils["a"], councils["b"]], title="Cyber 2019")
    answer_round(round_)
    return round_


def bearer(user: Any) -> dict[str, str]:
    _, plain = tokens.create_token(user, "test")
    return {"Authorization": f"Bearer {plain}"}


# Token service (no HTTP) ---------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(app: Flask, people: dict[str, Any]) -> None:
    token, plain = tokens.create_token(people["officer"], "  Dashboard ")
    assert plain.startswith("pmat_") and len(plain) > 40
    assert token.name == "Dashboard" and token.prefix == plain[:10]
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash == tokens.hash_token(plain) and plain not in stored.token_hash
    assert tokens.authenticate(f"Bearer {plain}") == people["officer"]
    assert db.session.scalar(sa.select(AuditEvent.action)) == "api_token_created"


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer pmat_nope", "Basic abc",
                                    "Token pmat_x"])
def test_missing_or_unknown_tokens_authenticate_nobody(app: Flask, people: dict[str, Any],
                                                       header: str | None) -> None:
    tokens.create_token(people["officer"], "real")
    assert tokens.authenticate(header) is None


def test_revoked_tokens_and_deactivated_users_stop_working(app: Flask,
                                                           people: dict[str, Any]) -> None:
    token, plain = tokens.create_token(people["officer"], "one")
    assert tokens.revoke_token(people["lead"], token.id) is None  # not theirs
    assert tokens.authenticate(f"Bearer {plain}") is not None
    assert tokens.revoke_token(people["officer"], token.id) is token
    assert tokens.authenticate(f"Bearer {plain}") is None
    _, second = tokens.create_token(people["analyst"], "two")
    people["analyst"].deactivated_at = utcnow()
    db.session.commit()
    assert tokens.authenticate(f"Bearer {second}") is None


def test_use_is_recorded(app: Flask, people: dict[str, Any]) -> None:
    token, plain = tokens.create_token(people["analyst"], "one")
    assert token.last_used_at is None
    tokens.authenticate(f"Bearer {plain}")
    assert token.last_used_at is not None


# HTTP: authentication -------------------------------------------------------------------------

ENDPOINTS = ["/api/v1/rounds", "/api/v1/rounds/{round}", "/api/v1/rounds/{round}/results",
             "/api/v1/rounds/{round}/councils", "/api/v1/rounds/{round}/councils/" + A,
             "/api/v1/frameworks", "/api/v1/frameworks/{version}"]


def _urls(round_: Round) -> list[str]:
    return [u.format(round=round_.id, version=round_.framework_version_id) for u in ENDPOINTS]


def test_every_endpoint_answers_401_json_without_a_live_token(cyber_round: Round, client: Any,
                                                              people: dict[str, Any],
                                                              login_as: Any) -> None:
    token, plain = tokens.create_token(people["analyst"], "revoked")
    tokens.revoke_token(people["analyst"], token.id)
    signed_in = login_as(people["analyst"])  # a session cookie is not a credential here
    for url in _urls(cyber_round):
        for c, headers in ((client, {}), (client, {"Authorization": "Bearer pmat_wrong"}),
                           (client, {"Authorization": f"Bearer {plain}"}), (signed_in, {})):
            response = c.get(url, headers=headers)
            assert response.status_code == 401, url
            assert response.is_json and response.json["error"]["status"] == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_sets_no_cookies(cyber_round: Round, client: Any, people: dict[str, Any]) -> None:
    response = client.get("/api/v1/rounds", headers=bearer(people["analyst"]))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_unknown_ids_are_404_json(cyber_round: Round, client: Any,
                                  people: dict[str, Any]) -> None:
    headers = bearer(people["analyst"])
    for url in ("/api/v1/rounds/999999", "/api/v1/rounds/999999/results",
                "/api/v1/rounds/999999/councils", f"/api/v1/rounds/999999/councils/{A}",
                f"/api/v1/rounds/{cyber_round.id}/councils/E09999999",
                "/api/v1/frameworks/999999", "/api/v1/frameworks/4294967296"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.is_json and response.json["error"]["code"] == "not_found"


# HTTP: what each token may see ----------------------------------------------------------------


def test_lga_tokens_read_everything(cyber_round: Round, client: Any,
                                    people: dict[str, Any]) -> None:
    headers = bearer(people["analyst"])
    for url in _urls(cyber_round):
        assert client.get(url, headers=headers).status_code == 200, url
    results = client.get(f"/api/v1/rounds/{cyber_round.id}/councils", headers=headers).json
    assert [r["council"]["gss_code"] for r in results["results"]] == [B, A]
    one = client.get(f"/api/v1/rounds/{cyber_round.id}/councils/{B}", headers=headers).json
    assert one["council"]["name"] == "Brackenshire Council" and one["overall"]["band"]
    assert [s["key"] for s in one["sections"]] == [
        s.key for s in cyber_round.framework_version.framework.sections]
    figures = client.get(f"/api/v1/rounds/{cyber_round.id}/results", headers=headers).json
    assert figures["councils"] == 2 and figures["suppressed"] is None
    overall = {f["metric"]: f["value"] for f in figures["figures"] if f["table"] == "overall"}
    assert overall["councils"] == 2


@pytest.mark.parametrize("who", ["officer", "lead"])
def test_council_tokens_see_their_own_council_only(cyber_round: Round, client: Any,
                                                   people: dict[str, Any], who: str) -> None:
    headers = bearer(people[who])
    base = f"/api/v1/rounds/{cyber_round.id}"
    own = client.get(f"{base}/councils/{A}", headers=headers)
    assert own.status_code == 200 and own.json["council"]["gss_code"] == A
    other = client.get(f"{base}/councils/{B}", headers=headers)
    assert other.status_code == 403 and other.is_json and "Brackenshire" not in other.text
    listing = client.get(f"{base}/councils", headers=headers)
    assert listing.status_code == 403 and listing.is_json
    # Aggregates: 2 councils is under the threshold of 5, so every figure is withheld.
    figures = client.get(f"{base}/results", headers=headers).json
    assert figures["suppressed"]
    assert all(f["value"] is None for f in figures["figures"] if f["metric"] != "councils")
    for url in ("/api/v1/rounds", base, "/api/v1/frameworks",
                f"/api/v1/frameworks/{cyber_round.framework_version_id}"):
        assert client.get(url, headers=headers).status_code == 200, url


def test_a_council_token_follows_its_user(cyber_round: Round, client: Any,
                                          people: dict[str, Any]) -> None:
    headers = bearer(people["other_officer"])
    url = f"/api/v1/rounds/{cyber_round.id}/councils/{B}"
    assert client.get(url, headers=headers).status_code == 200
    people["other_officer"].deactivated_at = utcnow()
    db.session.commit()
    assert client.get(url, headers=headers).status_code == 401


def test_frameworks_serve_their_content(cyber_round: Round, client: Any,
                                        people: dict[str, Any]) -> None:
    headers = bearer(people["officer"])
    listed = client.get("/api/v1/frameworks", headers=headers).json["frameworks"]
    assert [f["slug"] for f in listed] == ["cyber-stocktake-2018"]
    one = client.get(f"/api/v1/frameworks/{listed[0]['id']}", headers=headers).json
    assert one["content"] == cyber_round.framework_version.framework.to_dict()
    rounds = client.get("/api/v1/rounds", headers=headers).json["rounds"]
    assert rounds[0]["title"] == "Cyber 2019" and rounds[0]["state"] == "open"


# The account pages ---------------------------------------------------------------------------


def test_people_create_see_once_and_revoke_their_tokens(app: Flask, people: dict[str, Any],
                                                        login_as: Any) -> None:
    client = login_as(people["lead"])
    assert client.get("/account/api-tokens").status_code == 200
    error = client.post("/account/api-tokens/new", data={"name": ""})
    assert error.status_code == 200 and "Enter a name for the token" in error.text
    created = client.post("/account/api-tokens/new", data={"name": "Power BI"})
    assert created.status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    plain = next(word for word in created.text.replace('"', " ").split()
                 if word.startswith("pmat_") and len(word) > 40)
    assert tokens.hash_token(plain) == token.token_hash
    listing = client.get("/account/api-tokens").text
    assert "Power BI" in listing and token.prefix in listing and plain not in listing

    other = login_as(people["other_lead"])
    assert other.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    assert tokens.authenticate(f"Bearer {plain}") is not None
    revoked = client.post(f"/account/api-tokens/{token.id}/revoke")
    assert revoked.status_code == 302
    assert tokens.authenticate(f"Bearer {plain}") is None
    assert "Revoked" in client.get("/account/api-tokens").text


def test_revoking_needs_the_csrf_token(csrf_app: Flask, people: dict[str, Any]) -> None:
    token, _ = tokens.create_token(people["lead"], "one")
    client = csrf_app.test_client()
    client.post("/sign-in", data={"email": people["lead"].email, "password": PASSWORD,
                                  "csrf_token": _csrf(client.get("/sign-in").text)})
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 400
    assert token.revoked_at is None
    page = client.get("/account/api-tokens").text
    response = client.post(f"/account/api-tokens/{token.id}/revoke",
                           data={"csrf_token": _csrf(page)})
    assert response.status_code == 302 and token.revoked_at is not None


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert found, "no CSRF token on the page"
    return found[1]
