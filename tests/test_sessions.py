"""Your sessions: recent sign-ins, signing out elsewhere, and both time limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from prodmaturity import timeutil
from prodmaturity.account.services import describe_client
from prodmaturity.extensions import db
from prodmaturity.models import AuditEvent, User, UserSession
from tests.factories import PASSWORD

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0")
CHROME_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
              "Gecko) Chrome/126.0.0.0 Safari/537.36")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    real, offset = timeutil.utcnow, [timedelta()]
    monkeypatch.setattr(timeutil, "utcnow", lambda: real() + offset[0])
    return lambda **delta: offset.__setitem__(0, offset[0] + timedelta(**delta))


def text(response: Any) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("agent, described", [
    (FIREFOX_WINDOWS, "Firefox on Windows"),
    (SAFARI_IPHONE, "Safari on iOS"),
    (EDGE_WINDOWS, "Edge on Windows"),
    (CHROME_MAC, "Chrome on macOS"),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
     "Chrome on Android"),
    ("python-requests/2.32", "a script"),
    ("", "Unknown browser"),
    (None, "Unknown browser"),
])
def test_describe_client(agent: str | None, described: str) -> None:
    assert describe_client(agent) == described


def signed_in_client(app: Flask, email: str, agent: str, ip: str = "127.0.0.1") -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD},
                           headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 302
    return client


def test_account_page_lists_recent_sign_ins(app: Flask, people: dict[str, User]) -> None:
    here = signed_in_client(app, "officer@a.example", FIREFOX_WINDOWS)
    signed_in_client(app, "officer@a.example", SAFARI_IPHONE, ip="10.1.2.3")
    signed_in_client(app, "lead@a.example", CHROME_MAC)  # someone else's
    page = text(here.get("/account"))
    assert "Firefox on Windows" in page and "This browser" in page
    assert "Safari on iOS" in page and "10.1.2.3" in page and "Signed in, last active" in page
    assert "Chrome on macOS" not in page
    assert "Your account" in page  # the navigation item appears with the endpoint


def test_sign_out_of_every_other_session(app: Flask, people: dict[str, User]) -> None:
    here = signed_in_client(app, "officer@a.example", FIREFOX_WINDOWS)
    phone = signed_in_client(app, "officer@a.example", SAFARI_IPHONE)
    colleague = signed_in_client(app, "lead@a.example", CHROME_MAC)

    response = here.post("/account/sessions/sign-out-others")
    assert response.headers["Location"] == "/account"
    page = text(here.get("/account"))
    assert "You have signed out of every other browser" in page
    assert "Signed out from another browser" in page
    assert phone.get("/account").headers["Location"].startswith("/sign-in")
    assert colleague.get("/account").status_code == 200
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="sessions_ended")).one()
    assert event.detail == {"sessions_ended": 1} and event.actor_id == people["officer"].id
    here.post("/account/sessions/sign-out-others")
    assert "You were not signed in anywhere else" in text(here.get("/account"))


def test_idle_timeout(app: Flask, people: dict[str, User], login_as: Any,
                      clock: Callable[..., None]) -> None:
    client = login_as(people["officer"])
    clock(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    assert client.get("/account").status_code == 200
    clock(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    assert client.get("/account").headers["Location"].startswith("/sign-in")
    assert db.session.scalars(sa.select(UserSession)).one().end_reason == "idle"


@pytest.mark.parametrize("config_overrides", [
    {"PERMANENT_SESSION_LIFETIME": timedelta(hours=2)},
    {"PERMANENT_SESSION_LIFETIME": 7200},  # as read from PRODMATURITY_PERMANENT_SESSION_LIFETIME
])
def test_absolute_lifetime_even_when_active(app: Flask, people: dict[str, User], login_as: Any,
                                            clock: Callable[..., None]) -> None:
    client = login_as(people["officer"])
    for _ in range(5):  # busy all along: the idle limit never bites
        clock(minutes=23)
        assert client.get("/account").status_code == 200
    clock(minutes=6)  # 2 hours and 1 minute after signing in
    response = client.get("/account")
    assert response.headers["Location"].startswith("/sign-in")
    assert "Your session has ended" in text(client.get(response.headers["Location"]))
    assert db.session.scalars(sa.select(UserSession)).one().end_reason == "expired"


def test_default_absolute_lifetime_is_12_hours(app: Flask) -> None:
    assert app.permanent_session_lifetime == timedelta(hours=12)
