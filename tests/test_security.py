"""Security headers on every response, CSRF on every form, and the size limit on requests."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from prodmaturity.models import Invitation, User, UserSession
from prodmaturity.security import content_security_policy
from tests.conftest import count_rows
from tests.factories import PASSWORD

PAGES = ["/", "/sign-in", "/forgot-password", "/cookies", "/no-such-page", "/healthz"]


def csp_directives(response: Any) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = (d.strip().split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_response(app: Flask, client: FlaskClient, url: str) -> None:
    response = client.get(url)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: browsers ignore it anyway
    csp = csp_directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]


def test_script_nonce_matches_the_policy_and_changes_per_request(
    app: Flask, client: FlaskClient
) -> None:
    nonces = []
    for _ in range(2):
        response = client.get("/sign-in")
        (nonce_source,) = [s for s in csp_directives(response)["script-src"]
                           if s.startswith("'nonce-")]
        nonce = nonce_source.removeprefix("'nonce-").removesuffix("'")
        page = response.get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts, "the page loads scripts"
        for tag in scripts:
            assert f'nonce="{nonce}"' in tag, tag
        assert not re.search(r"\son[a-z]+=", page), "inline event handlers need 'unsafe-inline'"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_hsts_only_over_https(app: Flask, client: FlaskClient) -> None:
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_static_files_may_be_cached(app: Flask, client: FlaskClient) -> None:
    response = client.get("/assets/js/app.mjs")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_policy_has_no_inline_allowances() -> None:
    policy = content_security_policy("abc")
    assert "'nonce-abc'" in policy and "unsafe" not in policy


# CSRF ----------------------------------------------------------------------------------------


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    assert tag, f"no CSRF token on {url}"
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)  # type: ignore[union-attr]


def test_sign_in_without_a_token_is_refused_and_not_counted(
    csrf_app: Flask, people: dict[str, User]
) -> None:
    client = csrf_app.test_client()
    response = client.post("/sign-in", data={"email": "officer@a.example", "password": "wrong"})
    assert response.status_code == 400
    response = client.post("/sign-in", data={"email": "officer@a.example", "password": PASSWORD,
                                             "csrf_token": "forged"})
    assert response.status_code == 400
    assert User.query.filter_by(email="officer@a.example").one().failed_sign_ins == 0
    assert count_rows(UserSession) == 0


def test_forms_work_with_the_token_from_the_page(
    csrf_app: Flask, people: dict[str, User], councils: dict[str, Any]
) -> None:
    client = csrf_app.test_client()
    response = client.post("/sign-in", data={
        "email": "admin@lga.example", "password": PASSWORD,
        "csrf_token": csrf_token(client, "/sign-in"),
    })
    assert response.status_code == 302

    invitation = {"name": "Kit Moss", "email": "kit@lga.example", "role": "lga_analyst"}
    assert client.post("/admin/users/invite", data=invitation).status_code == 400
    assert count_rows(Invitation) == 0
    response = client.post("/admin/users/invite", data={
        **invitation, "csrf_token": csrf_token(client, "/admin/users/invite"),
    })
    assert response.status_code == 302
    assert count_rows(Invitation) == 1

    assert client.post("/sign-out").status_code == 400
    assert client.get("/admin/users").status_code == 200  # still signed in
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/admin/users")})
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 302


def test_token_from_another_session_is_refused(csrf_app: Flask, people: dict[str, User]) -> None:
    theirs = csrf_token(csrf_app.test_client(), "/sign-in")
    client = csrf_app.test_client()
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": "officer@a.example", "password": PASSWORD,
                                             "csrf_token": theirs})
    assert response.status_code == 400


# Size limit ----------------------------------------------------------------------------------


def test_bodies_above_the_limit_are_refused(app: Flask, client: FlaskClient,
                                           people: dict[str, User]) -> None:
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/sign-in", data={"email": "officer@a.example", "password": too_big})
    assert response.status_code == 413
    assert response.headers["X-Frame-Options"] == "DENY"
    assert User.query.filter_by(email="officer@a.example").one().failed_sign_ins == 0
