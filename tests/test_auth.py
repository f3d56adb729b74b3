"""Invitation, password reset, sign-in and session journeys, end to end through the test client.

Emails are read from the outbox and their links followed. Time moves by editing rows
(``expires_at``, ``locked_until``, ``last_seen_at``) or with the ``clock`` fixture.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner

from prodmaturity import timeutil
from prodmaturity.auth import services
from prodmaturity.extensions import db
from prodmaturity.mail import body_of, outbox_messages
from prodmaturity.models import Invitation, User, UserSession
from prodmaturity.permissions import Role
from tests.conftest import count_rows
from tests.factories import PASSWORD, make_user, sign_in

NEW_PASSWORD = "quiet lantern orchard 42"
WRONG = "Enter a correct email address and password"
COOKIE = "prodmaturity_session"


# Helpers -------------------------------------------------------------------------------------


def link_in(to: str, index: int = -1) -> str:
    """The path of the link in the ``index``-th email to ``to``."""
    messages = outbox_messages(to=to)
    assert messages, f"no email to {to}"
    urls = re.findall(r"https?://\S+", body_of(messages[index]))
    assert len(urls) == 1, urls
    assert urls[0].startswith("http://localhost/"), "links are built on SERVICE_URL"
    return urls[0].removeprefix("http://localhost")


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def signed_in_as(client: FlaskClient) -> str | None:
    """The email of the signed-in user, or None (asked of the change-password page)."""
    response = client.get("/account/change-password")
    if response.status_code != 200:
        return None
    with client.session_transaction() as session:
        record = db.session.scalar(db.select(UserSession).filter_by(sid=session["sid"]))
    return record.user.email if record else None


def invite(app: Flask, inviter: User, email: str = "nia.jones@a.example",
           name: str = "Nia Jones", role: Role = Role.COUNCIL_OFFICER,
           council: Any = None) -> str:
    """Invite through the service (the forms are tested below) and return the emailed link."""
    with app.test_request_context():
        services.create_invitation(inviter=inviter, email=email, name=name, role=role,
                                   council=council or inviter.council)
    return link_in(email)


def choose_password(client: FlaskClient, url: str, password: str = NEW_PASSWORD,
                    confirm: str | None = None) -> Any:
    return client.post(url, data={"password": password,
                                  "confirm": password if confirm is None else confirm})


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``clock(minutes=16)`` moves the services' idea of now forward."""
    real = timeutil.utcnow
    offset = timedelta()

    def travel(**delta: float) -> None:
        nonlocal offset
        offset += timedelta(**delta)

    monkeypatch.setattr(timeutil, "utcnow", lambda: real() + offset)
    return travel


# Invitations ---------------------------------------------------------------------------------


def test_admin_invites_a_council_lead_who_accepts_and_is_signed_in(
    app: Flask, people: dict[str, User], councils: dict[str, Any], login_as: Any
) -> None:
    admin = login_as(people["admin"])
    assert admin.get("/admin/users/invite").status_code == 200
    response = admin.post("/admin/users/invite", data={
        "name": "Rhian Evans", "email": "Rhian.Evans@B.example", "role": "council_lead",
        "council": councils["b"].gss_code,
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert "rhian.evans@b.example" in text(admin.get("/admin/users"))

    (message,) = outbox_messages(to="rhian.evans@b.example")
    assert "invited" in message["Subject"]
    body = body_of(message)
    assert "Council lead for Brackenshire Council" in body
    assert "Admin" in body  # who invited them

    url = link_in("rhian.evans@b.example")
    visitor = app.test_client()
    page = visitor.get(url)
    assert page.status_code == 200
    assert "Create a password" in text(page)
    response = choose_password(visitor, url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome, Rhian Evans" in text(visitor.get("/"))

    user = User.query.filter_by(email="rhian.evans@b.example").one()
    assert (user.role, user.council_id) == ("council_lead", councils["b"].id)
    assert Invitation.query.one().accepted_at is not None
    assert signed_in_as(visitor) == "rhian.evans@b.example"
    assert visitor.get("/council/team").status_code == 200


def test_admin_invites_an_lga_analyst_without_a_council(
    app: Flask, people: dict[str, User], councils: dict[str, Any], login_as: Any
) -> None:
    admin = login_as(people["admin"])
    response = admin.post("/admin/users/invite", data={
        "name": "Kit Moss", "email": "kit@lga.example", "role": "lga_analyst",
        "council": councils["a"].gss_code,  # ignored for LGA roles
    })
    assert response.status_code == 302
    choose_password(app.test_client(), link_in("kit@lga.example"))
    user = User.query.filter_by(email="kit@lga.example").one()
    assert (user.role, user.council_id) == ("lga_analyst", None)


@pytest.mark.parametrize("council, error", [
    ("", "Select the council this person works for"),
    ("E07000003", "Select the council this person works for"),  # abolished in 2019
    ("E99999999", "Select the council this person works for"),
])
def test_admin_must_choose_a_current_council_for_council_roles(
    app: Flask, people: dict[str, User], councils: dict[str, Any], login_as: Any,
    council: str, error: str,
) -> None:
    response = login_as(people["admin"]).post("/admin/users/invite", data={
        "name": "Rhian Evans", "email": "rhian@b.example", "role": "council_officer",
        "council": council,
    })
    assert response.status_code == 200
    assert error in text(response)
    assert count_rows(Invitation) == 0
    assert outbox_messages() == []


def test_cannot_invite_someone_who_has_an_account(
    app: Flask, people: dict[str, User], login_as: Any
) -> None:
    response = login_as(people["admin"]).post("/admin/users/invite", data={
        "name": "Officer", "email": "OFFICER@a.example", "role": "lga_analyst",
    })
    assert "There is already an account with this email address" in text(response)
    assert count_rows(Invitation) == 0


def test_lead_invites_officers_of_own_council_only(
    app: Flask, people: dict[str, User], councils: dict[str, Any], login_as: Any
) -> None:
    lead = login_as(people["lead"])
    page = text(lead.get("/council/team/invite"))
    assert re.findall(r'name="role"[^>]*value="([^"]+)"', page) == ["council_officer"]
    assert 'name="council"' not in page

    for role in ("lga_admin", "lga_analyst", "council_lead"):
        response = lead.post("/council/team/invite", data={
            "name": "Eve Hacker", "email": "eve@a.example", "role": role,
        })
        assert response.status_code == 200, role
        assert "Select a role" in text(response)
    assert count_rows(Invitation) == 0

    lead.post("/council/team/invite", data={
        "name": "Nia Jones", "email": "nia@a.example", "role": "council_officer",
    })
    choose_password(app.test_client(), link_in("nia@a.example"))
    user = User.query.filter_by(email="nia@a.example").one()
    assert (user.role, user.council_id) == ("council_officer", councils["a"].id)


def test_invitation_link_works_once(app: Flask, people: dict[str, User]) -> None:
    url = invite(app, people["lead"])
    assert choose_password(app.test_client(), url).status_code == 302
    for method in ("get", "post"):
        response = getattr(app.test_client(), method)(url, data={
            "password": "another long password", "confirm": "another long password",
        })
        assert response.status_code == 410
        assert "This invitation link has already been used" in text(response)
    assert count_rows(User) == 7


def test_invitation_link_expires_after_7_days(app: Flask, people: dict[str, User]) -> None:
    url = invite(app, people["lead"])
    invitation = Invitation.query.one()
    assert invitation.expires_at - timeutil.utcnow() > timedelta(days=6, hours=23)
    invitation.expires_at = timeutil.utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = app.test_client().get(url)
    assert response.status_code == 410
    assert "This invitation link has expired" in text(response)
    assert choose_password(app.test_client(), url).status_code == 410
    assert User.query.filter_by(email="nia.jones@a.example").first() is None


def test_invitation_link_signature_also_expires(
    app: Flask, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = invite(app, people["lead"])
    eight_days = 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) + eight_days)
    assert "This invitation link has expired" in text(app.test_client().get(url))


@pytest.mark.parametrize("change", [
    lambda url: url[:-3] + ("abc" if not url.endswith("abc") else "xyz"),
    lambda url: "/invitations/not-a-token",
])
def test_tampered_invitation_link_is_not_valid(app: Flask, people: dict[str, User],
                                               change: Callable[[str], str]) -> None:
    url = invite(app, people["lead"])
    response = app.test_client().get(change(url))
    assert response.status_code == 410
    assert "This invitation link is not valid" in text(response)


def test_withdrawn_invitation(app: Flask, people: dict[str, User]) -> None:
    url = invite(app, people["lead"])
    Invitation.query.one().revoked_at = timeutil.utcnow()
    db.session.commit()
    assert "This invitation has been withdrawn" in text(app.test_client().get(url))


@pytest.mark.parametrize("password, confirm, problem", [
    ("", "", "Enter a password"),
    ("a" * 3 + "bcdefghijk", None, None),  # 13 characters, no rule broken
    ("elevenchars", None, "Password must be 12 characters or more"),
    ("twelve chars", None, None),
    ("x" * 64 + "y" * 63 + "z", None, None),  # 128
    ("x" * 64 + "y" * 64 + "z", None, "Password must be 128 characters or fewer"),  # 129
    ("password1234", None, "Password is too common"),
    ("Qwerty123456", None, "Password is too common"),
    ("nia.jones@a.example!!", None, "Password must not contain your name or email address"),
    ("my name is NiaJones ok", None, "Password must not contain your name or email address"),
    ("nia.jones-rocks", None, "Password must not contain your name or email address"),
    (NEW_PASSWORD, "something else entirely", "Passwords must match"),
])
def test_password_rules_when_accepting(app: Flask, people: dict[str, User], password: str,
                                       confirm: str | None, problem: str | None) -> None:
    url = invite(app, people["lead"])
    response = choose_password(app.test_client(), url, password, confirm)
    if problem is None:
        assert response.status_code == 302
        assert User.query.filter_by(email="nia.jones@a.example").one()
    else:
        assert response.status_code == 200
        page = text(response)
        assert "<title>Error: " in page
        assert problem in page
        assert "Field cannot be longer" not in page and "Not a valid" not in page
        assert Invitation.query.one().accepted_at is None


# Password reset ------------------------------------------------------------------------------


def _main_content(response: Any) -> str:
    page = text(response)
    return page[page.index("<main"):page.index("</main>")]


def test_forgot_password_says_the_same_whether_or_not_the_account_exists(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    known = client.post("/forgot-password", data={"email": "Officer@A.example"})
    unknown = client.post("/forgot-password", data={"email": "nobody@a.example"})
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in text(known)
    assert (_main_content(known).replace("Officer@A.example", "EMAIL")
            == _main_content(unknown).replace("nobody@a.example", "EMAIL"))

    (to_known,) = outbox_messages(to="officer@a.example")
    (to_unknown,) = outbox_messages(to="nobody@a.example")
    assert to_known["Subject"] == to_unknown["Subject"]
    assert "/reset-password/" in body_of(to_known)
    assert "there is no account with that email address" in body_of(to_unknown)
    assert "/reset-password/" not in body_of(to_unknown)


def test_forgot_password_checks_the_address(client: FlaskClient, app: Flask) -> None:
    assert "Enter your email address" in text(client.post("/forgot-password", data={}))
    assert "Enter an email address in the correct format" in text(
        client.post("/forgot-password", data={"email": "not an email"}))
    assert outbox_messages() == []


def test_deactivated_account_gets_the_no_account_email(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    people["officer"].deactivated_at = timeutil.utcnow()
    db.session.commit()
    client.post("/forgot-password", data={"email": "officer@a.example"})
    assert "/reset-password/" not in body_of(outbox_messages(to="officer@a.example")[0])


def test_reset_link_sets_a_new_password_once(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    client.post("/forgot-password", data={"email": "officer@a.example"})
    url = link_in("officer@a.example")
    assert client.get(url).status_code == 200
    assert "Password must be 12 characters or more" in text(
        choose_password(client, url, "too short"))
    response = choose_password(client, url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in text(client.get("/sign-in"))
    assert "account was changed on" in body_of(outbox_messages(to="officer@a.example")[-1])

    assert WRONG in text(sign_in(client, "officer@a.example", PASSWORD))
    assert sign_in(client, "officer@a.example", NEW_PASSWORD).status_code == 302

    again = app.test_client()
    for response in (again.get(url), choose_password(again, url, "yet another passphrase")):
        assert response.status_code == 410
        assert "This password reset link has already been used" in text(response)


def test_a_newer_password_makes_older_reset_links_stale(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    client.post("/forgot-password", data={"email": "officer@a.example"})
    client.post("/forgot-password", data={"email": "officer@a.example"})
    first, second = link_in("officer@a.example", 0), link_in("officer@a.example", 1)
    assert choose_password(client, second).status_code == 302
    assert "already been used" in text(client.get(first))


def test_reset_link_expires_after_an_hour(
    app: Flask, people: dict[str, User], client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post("/forgot-password", data={"email": "officer@a.example"})
    url = link_in("officer@a.example")
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 3500)
    assert client.get(url).status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 3601)
    response = client.get(url)
    assert response.status_code == 410
    assert "This password reset link has expired" in text(response)
    assert choose_password(client, url).status_code == 410


@pytest.mark.parametrize("url", ["/reset-password/nonsense", "/reset-password/"])
def test_tampered_reset_link(app: Flask, client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (404, 410)
    if response.status_code == 410:
        assert "This password reset link is not valid" in text(response)


def test_invitation_token_is_not_a_reset_token(app: Flask, people: dict[str, User]) -> None:
    token = invite(app, people["lead"]).rsplit("/", 1)[1]
    response = app.test_client().get(f"/reset-password/{token}")
    assert "This password reset link is not valid" in text(response)


def test_reset_links_use_the_service_url_not_the_host_header(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    client.post("/forgot-password", data={"email": "officer@a.example"},
                base_url="http://evil.example")
    link_in("officer@a.example")  # asserts the link starts with SERVICE_URL


def test_reset_unlocks_a_locked_account(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    people["officer"].locked_until = timeutil.utcnow() + timedelta(minutes=10)
    db.session.commit()
    client.post("/forgot-password", data={"email": "officer@a.example"})
    choose_password(client, link_in("officer@a.example"))
    assert sign_in(client, "officer@a.example", NEW_PASSWORD).status_code == 302


# Changing password ---------------------------------------------------------------------------


def test_change_password_ends_other_sessions_and_keeps_this_one(
    app: Flask, people: dict[str, User], login_as: Any
) -> None:
    elsewhere = login_as(people["officer"])
    here = login_as(people["officer"])
    other_person = login_as(people["lead"])

    response = here.post("/account/change-password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert "Other sessions have been signed out" in text(here.get("/"))
    assert signed_in_as(here) == "officer@a.example"

    response = elsewhere.get("/account/change-password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert signed_in_as(other_person) == "lead@a.example"
    ended = UserSession.query.filter(UserSession.end_reason == "password_changed").count()
    assert ended == 1
    assert "account was changed on" in body_of(outbox_messages(to="officer@a.example")[-1])


def test_change_password_needs_the_current_one(
    app: Flask, people: dict[str, User], login_as: Any
) -> None:
    client = login_as(people["officer"])
    response = client.post("/account/change-password", data={
        "current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert "Your current password is not correct" in text(response)
    response = client.post("/account/change-password", data={
        "current_password": PASSWORD, "password": "officer@a.example1", "confirm": "x",
    })
    assert "Password must not contain your name or email address" in text(response)
    assert "Passwords must match" in text(response)
    assert sign_in(app.test_client(), "officer@a.example").status_code == 302


# Signing in ----------------------------------------------------------------------------------


def test_sign_in_and_out(app: Flask, people: dict[str, User], client: FlaskClient) -> None:
    assert client.get("/sign-in").status_code == 200
    response = sign_in(client, "  Officer@A.example ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome, Officer" in text(client.get("/"))
    assert client.get("/sign-in").headers["Location"] == "/"

    assert client.get("/sign-out").status_code == 405
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert "You have signed out" in text(client.get("/sign-in"))
    assert client.get("/account/change-password").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    wrong_password = sign_in(client, "officer@a.example", "not the password")
    unknown = sign_in(client, "nobody@a.example", "not the password")
    assert wrong_password.status_code == unknown.status_code == 200
    assert WRONG in text(wrong_password) and WRONG in text(unknown)
    assert (_main_content(wrong_password).replace("officer@a.example", "EMAIL")
            == _main_content(unknown).replace("nobody@a.example", "EMAIL"))
    assert "<title>Error: " in text(unknown)


def test_empty_sign_in(app: Flask, client: FlaskClient) -> None:
    page = text(client.post("/sign-in", data={}))
    assert "Enter your email address" in page and "Enter your password" in page


@pytest.mark.parametrize("config_overrides", [{"LOGIN_MAX_FAILURES": 3}])  # fewer hashes
def test_lock_out_after_too_many_failures_and_its_expiry(
    app: Flask, people: dict[str, User], client: FlaskClient, clock: Callable[..., None]
) -> None:
    attempts = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(attempts - 1):
        assert WRONG in text(sign_in(client, "officer@a.example", "guess guess guess"))
    locked = text(sign_in(client, "officer@a.example", "guess guess guess"))
    assert "Your account is locked because of too many failed attempts to sign in" in locked
    assert "reset your password" in locked

    response = sign_in(client, "officer@a.example", PASSWORD)
    assert response.status_code == 200
    assert "Your account is locked" in text(response)
    assert signed_in_as(client) is None
    assert sign_in(app.test_client(), "lead@a.example").status_code == 302  # others unaffected

    clock(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] - 1)
    assert "Your account is locked" in text(sign_in(client, "officer@a.example", PASSWORD))
    clock(minutes=2)
    assert sign_in(client, "officer@a.example", PASSWORD).status_code == 302
    assert signed_in_as(client) == "officer@a.example"


def test_lock_expiry_by_editing_the_row(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    people["officer"].locked_until = timeutil.utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, "officer@a.example").status_code == 302


@pytest.mark.parametrize("config_overrides", [{"LOGIN_MAX_FAILURES": 3}])  # fewer hashes
def test_a_successful_sign_in_resets_the_failure_count(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        sign_in(client, "officer@a.example", "guess guess guess")
    assert sign_in(client, "officer@a.example").status_code == 302
    db.session.refresh(people["officer"])
    assert people["officer"].failed_sign_ins == 0


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_SIGN_IN": "3 per minute"}])
def test_sign_in_is_rate_limited(app: Flask, people: dict[str, User],
                                 client: FlaskClient) -> None:
    for _ in range(3):
        assert sign_in(client, "nobody@a.example", "guess guess guess").status_code == 200
    response = sign_in(client, "officer@a.example")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert client.get("/sign-in").status_code == 200  # only attempts are limited
    other_address = app.test_client()
    response = other_address.post("/sign-in", data={"email": "officer@a.example",
                                                    "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302


def test_deactivated_user_cannot_sign_in(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    people["officer"].deactivated_at = timeutil.utcnow()
    db.session.commit()
    assert "Your account has been deactivated" in text(sign_in(client, "officer@a.example"))
    assert WRONG in text(sign_in(client, "officer@a.example", "wrong wrong wrong"))


@pytest.mark.parametrize("next_url, destination", [
    ("/council/team", "/council/team"),
    ("/council/team?tab=people", "/council/team?tab=people"),
    ("https://evil.example/", "/"),
    ("http://localhost/council/team", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("/\t/evil.example", "/"),
    ("/council/team\r\nSet-Cookie: x=1", "/"),
    ("", "/"),
])
def test_next_only_goes_to_this_site(app: Flask, people: dict[str, User], client: FlaskClient,
                                     next_url: str, destination: str) -> None:
    response = client.post("/sign-in", query_string={"next": next_url},
                           data={"email": "lead@a.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == destination


def test_signed_out_visitor_comes_back_to_the_page_they_asked_for(
    app: Flask, people: dict[str, User], client: FlaskClient
) -> None:
    response = client.get("/council/team")
    assert response.status_code == 302
    sign_in_url = response.headers["Location"]
    assert sign_in_url.startswith("/sign-in?next=")
    assert "Sign in to continue" in text(client.get(sign_in_url))
    response = client.post(sign_in_url, data={"email": "lead@a.example", "password": PASSWORD})
    assert response.headers["Location"] == "/council/team"


# Sessions ------------------------------------------------------------------------------------


def test_sign_in_starts_a_new_session(app: Flask, people: dict[str, User],
                                      client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["sid"] = "planted-by-an-attacker"
        session["left_over"] = "x"
    before = client.get_cookie(COOKIE).value

    sign_in(client, "officer@a.example")

    after = client.get_cookie(COOKIE).value
    assert after != before
    with client.session_transaction() as session:
        assert session["sid"] != "planted-by-an-attacker"
        assert "left_over" not in session
        sid = session["sid"]
    record = UserSession.query.filter_by(sid=sid).one()
    assert record.user.email == "officer@a.example" and record.ended_at is None

    # Signing in again (after signing out) gives yet another session id.
    client.post("/sign-out")
    sign_in(client, "officer@a.example")
    with client.session_transaction() as session:
        assert session["sid"] not in (sid, None)


def test_session_cookie_flags(app: Flask, people: dict[str, User], client: FlaskClient) -> None:
    cookie = sign_in(client, "officer@a.example").headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_in_production(
    app: Flask, people: dict[str, User], tmp_path: Any
) -> None:
    from prodmaturity import create_app
    from tests.conftest import base_config

    config = base_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "prod-outbox")
    production = create_app({**config, "PRODUCTION": True})
    with production.app_context():
        client = production.test_client()
        response = sign_in(client, "officer@a.example")
        assert response.status_code == 302
        assert "; Secure" in response.headers["Set-Cookie"]
        db.session.remove()
        db.engine.dispose()


def _age_session(client: FlaskClient, **delta: float) -> None:
    with client.session_transaction() as session:
        record = UserSession.query.filter_by(sid=session["sid"]).one()
    record.last_seen_at = timeutil.utcnow() - timedelta(**delta)
    db.session.commit()


def test_idle_session_is_signed_out(app: Flask, people: dict[str, User], login_as: Any) -> None:
    client = login_as(people["lead"])
    _age_session(client, minutes=29)
    assert client.get("/council/team").status_code == 200  # and the activity is recorded
    _age_session(client, minutes=31)

    response = client.get("/council/team")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    page = text(client.get(response.headers["Location"]))
    assert ("You were signed out because you had not done anything for 30 minutes. "
            "Sign in again to continue.") in page
    assert "Sign in to continue" not in page.replace("Sign in again to continue", "")
    assert UserSession.query.one().end_reason == "idle"


def test_idle_time_is_renewed_by_activity(
    app: Flask, people: dict[str, User], login_as: Any, clock: Callable[..., None]
) -> None:
    client = login_as(people["lead"])
    for _ in range(3):
        clock(minutes=20)
        assert client.get("/council/team").status_code == 200
    clock(minutes=31)
    assert client.get("/council/team").status_code == 302


def test_session_has_an_absolute_lifetime(app: Flask, people: dict[str, User],
                                          login_as: Any) -> None:
    client = login_as(people["lead"])
    record = UserSession.query.one()
    record.created_at = timeutil.utcnow() - timedelta(hours=12, minutes=1)
    db.session.commit()
    response = client.get("/council/team")
    assert response.headers["Location"].startswith("/sign-in")
    page = text(client.get(response.headers["Location"]))
    assert "Your session has ended. Sign in again to continue." in page
    assert UserSession.query.one().end_reason == "expired"


def test_signing_out_ends_the_server_session(app: Flask, people: dict[str, User],
                                             login_as: Any) -> None:
    client = login_as(people["lead"])
    old_cookie = client.get_cookie(COOKIE).value
    client.post("/sign-out")
    assert UserSession.query.one().end_reason == "signed_out"

    client.set_cookie(COOKIE, old_cookie)  # replaying the cookie from before signing out
    response = client.get("/council/team")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_deactivated_user_is_refused_on_an_open_session(
    app: Flask, people: dict[str, User], login_as: Any
) -> None:
    client = login_as(people["lead"])
    assert client.get("/council/team").status_code == 200
    people["lead"].deactivated_at = timeutil.utcnow()
    db.session.commit()
    response = client.get("/council/team")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "Welcome" not in text(client.get("/"))


def test_user_made_outside_the_app_can_sign_in(app: Flask, councils: dict[str, Any]) -> None:
    make_user("new@a.example", Role.COUNCIL_OFFICER, councils["a"])
    assert sign_in(app.test_client(), "new@a.example").status_code == 302
