"""Two-factor sign-in: emailed and authenticator codes, recovery codes, set-up, reset, settings.

Two-factor is required for every role here (the shared test config turns it off so other
journeys sign in in one step). Emails are read from the outbox; time moves with ``clock``.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from prodmaturity import timeutil
from prodmaturity.auth import two_factor
from prodmaturity.extensions import db
from prodmaturity.mail import body_of, outbox_messages
from prodmaturity.models import AuditEvent, EmailCode, RecoveryCode, User, UserSession
from tests.factories import PASSWORD, sign_in

CORRECT = "Enter a correct security code"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"TWO_FACTOR_REQUIRED_LGA": True, "TWO_FACTOR_REQUIRED_COUNCIL": True,
            "TWO_FACTOR_MAX_ATTEMPTS": 3}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    real, offset = timeutil.utcnow, [timedelta()]
    monkeypatch.setattr(timeutil, "utcnow", lambda: real() + offset[0])
    return lambda **delta: offset.__setitem__(0, offset[0] + timedelta(**delta))


def text(response: Any) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def request_context(app: Flask) -> Any:
    """For service calls made outside a request: emails render with the page context."""
    with app.test_request_context():
        yield


def emailed_code(to: str) -> str:
    messages = outbox_messages(to=to)
    assert messages, f"no email to {to}"
    return re.findall(r"\b\d{6}\b", body_of(messages[-1]))[0]


def enter_code(client: FlaskClient, code: str) -> Any:
    return client.post("/sign-in/security-code", data={"code": code})


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def sign_in_with_email_code(client: FlaskClient, user: User) -> None:
    assert sign_in(client, user.email).headers["Location"] == "/sign-in/security-code"
    assert enter_code(client, emailed_code(user.email)).status_code == 302


def totp_now(secret: str, steps: int = 0) -> str:
    moment = timeutil.utcnow().replace(tzinfo=UTC).timestamp() + steps * 30
    return pyotp.TOTP(secret).at(moment)


def set_up_authenticator(client: FlaskClient, user: User) -> list[str]:
    client.get("/account/two-factor/authenticator")
    db.session.refresh(user)
    page = client.post("/account/two-factor/authenticator", data={
        "code": totp_now(user.totp_pending_secret), "current_password": PASSWORD})
    assert "Save your recovery codes" in text(page), text(page)[:2000]
    return re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", text(page))


# Emailed codes -------------------------------------------------------------------------------


def test_email_code_is_the_default_second_step(app: Flask, people: dict[str, User],
                                               client: FlaskClient) -> None:
    response = sign_in(client, "officer@a.example", next_url="/account")
    assert response.headers["Location"] == "/sign-in/security-code"
    page = text(client.get("/sign-in/security-code"))
    assert "Check your email" in page and "officer@a.example" in page

    # Between the steps nobody is signed in: only the pending marker is in the cookie.
    with client.session_transaction() as session:
        assert "sid" not in session and "_user_id" not in session
        assert session["pending_sign_in"]["user_id"] == people["officer"].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    assert client.get("/council/assessments").headers["Location"].startswith("/sign-in")

    message = outbox_messages(to="officer@a.example")[-1]
    assert "security code" in message["Subject"]
    assert "expires in 10 minutes" in body_of(message)
    response = enter_code(client, f" {emailed_code('officer@a.example')} ")
    assert response.headers["Location"] == "/account"  # where they were going
    assert is_signed_in(client)
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="sign_in")).one()
    assert event.detail == {"second_factor": "email"} and event.ip_address == "127.0.0.1"


def test_email_code_works_once(app: Flask, people: dict[str, User], client: FlaskClient) -> None:
    sign_in_with_email_code(client, people["officer"])
    used = emailed_code("officer@a.example")
    client.post("/sign-out")
    sign_in(client, "officer@a.example")
    response = enter_code(client, used)
    assert response.status_code == 200
    assert "This code has already been used. Send yourself a new code" in text(response)
    assert "<title>Error: " in text(response)
    assert not is_signed_in(client)


def test_expired_email_code(app: Flask, people: dict[str, User], client: FlaskClient) -> None:
    sign_in(client, "officer@a.example")
    code = emailed_code("officer@a.example")
    row = db.session.scalars(sa.select(EmailCode)).one()
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    assert row.code_hash != code and code not in row.code_hash  # stored as an HMAC
    row.expires_at = timeutil.utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "This code has expired. Send yourself a new code" in text(enter_code(client, code))


def test_a_new_code_replaces_the_old_one(app: Flask, people: dict[str, User],
                                         client: FlaskClient) -> None:
    sign_in(client, "officer@a.example")
    first = emailed_code("officer@a.example")
    response = client.post("/sign-in/security-code/new")
    assert response.headers["Location"] == "/sign-in/security-code"
    assert "We have sent a new code to officer@a.example" in text(client.get(response.location))
    second = emailed_code("officer@a.example")
    if first != second:
        assert "This code has expired" in text(enter_code(client, first))
    assert enter_code(client, second).status_code == 302


def test_too_many_new_codes_are_refused(app: Flask, people: dict[str, User],
                                        client: FlaskClient) -> None:
    sign_in(client, "officer@a.example")
    for _ in range(two_factor.MAX_CODES_PER_WINDOW):
        client.post("/sign-in/security-code/new")
    assert len(outbox_messages(to="officer@a.example")) == two_factor.MAX_CODES_PER_WINDOW
    assert "You have asked for too many codes" in text(client.get("/sign-in/security-code"))


def test_wrong_codes_too_often_lock_the_account(
    app: Flask, people: dict[str, User], client: FlaskClient, clock: Callable[..., None]
) -> None:
    sign_in(client, "officer@a.example")
    good = emailed_code("officer@a.example")
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(app.config["TWO_FACTOR_MAX_ATTEMPTS"] - 1):
        assert CORRECT in text(enter_code(client, wrong))
    response = enter_code(client, wrong)
    assert response.headers["Location"] == "/sign-in"
    assert "You entered a wrong code too many times, so your account is locked" in text(
        client.get("/sign-in"))
    # The pending sign-in is gone, the code that was sent no longer works, the account is locked.
    assert client.get("/sign-in/security-code").headers["Location"] == "/sign-in"
    assert "Your account is locked" in text(sign_in(client, "officer@a.example"))
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("two_factor_failed") == 3 and "account_locked" in actions

    clock(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
    assert sign_in(client, "officer@a.example").status_code == 302
    assert "already been used" in text(enter_code(client, good))


def test_wrong_code_count_is_kept_in_the_database(app: Flask, people: dict[str, User],
                                                  request_context: Any) -> None:
    """Counted with UPDATE ... + 1, so attempts at different app instances all count."""
    user = people["officer"]
    two_factor.send_email_code(user)
    two_factor.verify(user, "not a code")
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(two_factor_failures=User.two_factor_failures + 1))  # elsewhere
    db.session.commit()
    result = two_factor.verify(user, "12345x")
    assert result.outcome is two_factor.CodeOutcome.LOCKED
    assert user.locked_until is not None and user.two_factor_failures == 0


def test_pending_sign_in_expires(app: Flask, people: dict[str, User], client: FlaskClient,
                                 clock: Callable[..., None]) -> None:
    sign_in(client, "officer@a.example")
    code = emailed_code("officer@a.example")
    clock(minutes=11)
    response = enter_code(client, code)
    assert response.headers["Location"] == "/sign-in"
    assert "Sign in again to continue" in text(client.get("/sign-in"))


def test_second_step_needs_a_pending_sign_in(app: Flask, people: dict[str, User],
                                             client: FlaskClient) -> None:
    for url in ("/sign-in/security-code", "/sign-in/recovery-code"):
        assert client.get(url).headers["Location"] == "/sign-in"
    with client.session_transaction() as session:  # a marker that was never signed is ignored
        session["pending_sign_in"] = {"user_id": "1", "expires": 9e12}
    assert client.get("/sign-in/security-code").headers["Location"] == "/sign-in"


def test_deactivated_between_the_steps(app: Flask, people: dict[str, User],
                                       client: FlaskClient) -> None:
    sign_in(client, "officer@a.example")
    people["officer"].deactivated_at = timeutil.utcnow()
    db.session.commit()
    assert enter_code(client, emailed_code("officer@a.example")).headers["Location"] == "/sign-in"
    assert not is_signed_in(client)


def test_codes_are_compared_in_constant_time(app: Flask, people: dict[str, User],
                                             monkeypatch: pytest.MonkeyPatch,
                                             request_context: Any) -> None:
    calls = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(two_factor.hmac, "compare_digest", spy)
    code = two_factor.send_email_code(people["officer"])
    assert two_factor.verify(people["officer"], code).ok
    assert calls


# Authenticator app ---------------------------------------------------------------------------


def test_set_up_an_authenticator_app(app: Flask, people: dict[str, User],
                                     login_as: Any) -> None:
    user = people["officer"]
    client = app.test_client()
    sign_in_with_email_code(client, user)
    elsewhere = app.test_client()
    sign_in_with_email_code(elsewhere, user)

    page = text(client.get("/account/two-factor/authenticator"))
    db.session.refresh(user)
    secret = user.totp_pending_secret
    assert secret and secret in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'class="app-qr-code"' in svg and "style=" not in svg
    assert text(client.get("/account/two-factor/authenticator")).count(secret) == 1  # kept

    response = client.post("/account/two-factor/authenticator", data={
        "code": totp_now(secret), "current_password": "not my password"})
    assert "Your password is not correct" in text(response)
    response = client.post("/account/two-factor/authenticator", data={
        "code": "123456" if totp_now(secret) != "123456" else "654321",
        "current_password": PASSWORD})
    assert "Enter the code your authenticator app shows now" in text(response)
    db.session.refresh(user)
    assert user.two_factor_method is None

    codes = set_up_authenticator(client, user)
    assert len(codes) == len(set(codes)) == 10
    db.session.refresh(user)
    assert (user.two_factor_method, user.totp_secret, user.totp_pending_secret) == (
        "totp", secret, None)
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert is_signed_in(client) and not is_signed_in(elsewhere)  # other sessions ended
    assert "sign-in security has changed" in outbox_messages(to=user.email)[-1]["Subject"]
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="two_factor_changed")).one()
    assert (event.old_value, event.new_value) == (None, "totp")


@pytest.fixture
def totp_user(app: Flask, people: dict[str, User]) -> tuple[User, list[str]]:
    client = app.test_client()
    sign_in_with_email_code(client, people["analyst"])
    codes = set_up_authenticator(client, people["analyst"])
    db.session.refresh(people["analyst"])
    return people["analyst"], codes


def test_sign_in_with_an_authenticator_code(app: Flask, totp_user: tuple[User, list[str]],
                                            client: FlaskClient) -> None:
    user, _ = totp_user
    before = len(outbox_messages(to=user.email))
    sign_in(client, user.email)
    assert len(outbox_messages(to=user.email)) == before  # no email code for app users
    assert "Enter the code from your authenticator app" in text(
        client.get("/sign-in/security-code"))
    code = totp_now(user.totp_secret, steps=1)  # the next step is allowed for clock drift
    assert enter_code(client, code).status_code == 302
    assert is_signed_in(client)

    again = app.test_client()
    sign_in(again, user.email)
    response = enter_code(again, code)
    assert ("This code has already been used. Wait for your app to show a new code"
            in text(response))


def test_old_and_wrong_authenticator_codes(app: Flask, totp_user: tuple[User, list[str]],
                                           client: FlaskClient) -> None:
    user, _ = totp_user
    sign_in(client, user.email)
    current = {totp_now(user.totp_secret, steps=s) for s in (-1, 0, 1)}
    old = totp_now(user.totp_secret, steps=-4)
    if old not in current:
        assert "This code has expired. Enter the code your app shows now" in text(
            enter_code(client, old))
    assert CORRECT in text(enter_code(client, "12 34"))


def test_totp_rules_without_http(app: Flask, totp_user: tuple[User, list[str]]) -> None:
    user, _ = totp_user
    now = datetime(2030, 1, 1, 12, 0, 10)
    code = pyotp.TOTP(user.totp_secret).at(now.replace(tzinfo=UTC))
    outcome = two_factor.CodeOutcome
    assert two_factor.verify(user, code, now + timedelta(minutes=5)).outcome is outcome.EXPIRED
    assert two_factor.verify(user, code, now).ok
    assert two_factor.verify(user, code, now).outcome is outcome.USED
    assert two_factor.verify(user, code, now + timedelta(seconds=20)).outcome is outcome.USED


# Recovery codes ------------------------------------------------------------------------------


def test_each_recovery_code_works_once(app: Flask, totp_user: tuple[User, list[str]]) -> None:
    user, codes = totp_user
    first = app.test_client()
    sign_in(first, user.email)
    response = first.post("/sign-in/recovery-code", data={"code": codes[0].upper()})
    assert response.status_code == 302
    assert "You have 9 recovery codes left" in text(first.get("/"))

    second = app.test_client()
    sign_in(second, user.email)
    response = second.post("/sign-in/recovery-code", data={"code": codes[0]})
    assert "This recovery code has already been used" in text(response)
    assert "Enter a correct recovery code" in text(
        second.post("/sign-in/recovery-code", data={"code": "aaaa-bbbb-cccc"}))
    assert second.post("/sign-in/recovery-code",
                       data={"code": codes[1].replace("-", " ")}).status_code == 302
    assert two_factor.recovery_codes_left(user) == 8
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="recovery_code_used")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.detail == {"left": 8}


def test_new_recovery_codes_replace_the_old_ones(
    app: Flask, totp_user: tuple[User, list[str]], client: FlaskClient
) -> None:
    user, old_codes = totp_user
    sign_in(client, user.email)
    client.post("/sign-in/recovery-code", data={"code": old_codes[0]})
    assert "You have 9 unused recovery codes" in text(
        client.get("/account/two-factor/recovery-codes"))
    page = text(client.post("/account/two-factor/recovery-codes",
                            data={"current_password": PASSWORD}))
    new_codes = re.findall(r"<code>([a-z2-9-]{14})</code>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert two_factor.use_recovery_code(user, old_codes[1]).outcome is (
        two_factor.CodeOutcome.WRONG)
    assert two_factor.use_recovery_code(user, new_codes[0]).ok


# Switching back, admin reset, settings -------------------------------------------------------


def test_switch_back_to_email_codes(app: Flask, totp_user: tuple[User, list[str]],
                                    client: FlaskClient) -> None:
    user, _ = totp_user
    sign_in(client, user.email)
    enter_code(client, totp_now(user.totp_secret, steps=1))
    assert "Your password is not correct" in text(client.post(
        "/account/two-factor/email", data={"current_password": "wrong password here"}))
    page = text(client.post("/account/two-factor/email", data={"current_password": PASSWORD}))
    assert "Save your recovery codes" in page
    db.session.refresh(user)
    assert (user.two_factor_method, user.totp_secret) == ("email", None)
    client.post("/sign-out")
    sign_in_with_email_code(client, user)
    assert is_signed_in(client)


def test_lga_admin_resets_a_lost_second_factor(
    app: Flask, people: dict[str, User], totp_user: tuple[User, list[str]]
) -> None:
    user, codes = totp_user
    victim_session = app.test_client()
    sign_in(victim_session, user.email)
    victim_session.post("/sign-in/recovery-code", data={"code": codes[0]})
    admin = app.test_client()
    sign_in_with_email_code(admin, people["admin"])

    response = admin.post(f"/admin/users/{user.id}/reset-two-factor")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert "sign-in security has been reset" in text(admin.get(response.location))
    db.session.refresh(user)
    assert (user.two_factor_method, user.totp_secret) == (None, None)
    assert two_factor.recovery_codes_left(user) == 0
    assert not is_signed_in(victim_session)
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="two_factor_reset")).one()
    assert (event.actor_id, event.subject_id, event.old_value) == (
        people["admin"].id, user.id, "totp")
    assert "reset" in outbox_messages(to=user.email)[-1]["Subject"]

    sign_in_with_email_code(victim_session, user)  # emailed codes from now on
    assert is_signed_in(victim_session)


def test_admin_cannot_reset_their_own_second_factor(app: Flask, people: dict[str, User]) -> None:
    admin = app.test_client()
    sign_in_with_email_code(admin, people["admin"])
    response = admin.post(f"/admin/users/{people['admin'].id}/reset-two-factor")
    assert "You cannot reset your own sign-in security" in text(admin.get(response.location))
    assert not db.session.scalars(sa.select(AuditEvent).filter_by(
        action="two_factor_reset")).all()


@pytest.mark.parametrize("config_overrides", [{"TWO_FACTOR_REQUIRED_LGA": True,
                                               "TWO_FACTOR_REQUIRED_COUNCIL": False}])
def test_council_roles_can_be_left_to_choose(app: Flask, people: dict[str, User]) -> None:
    officer, analyst = app.test_client(), app.test_client()
    assert sign_in(officer, "officer@a.example").headers["Location"] == "/"
    assert is_signed_in(officer)
    assert sign_in(analyst, "analyst@lga.example").headers["Location"] == (
        "/sign-in/security-code")
    assert "Two-factor sign-in is not turned on" in text(officer.get("/account"))

    # An officer who turns it on anyway gets the second step from then on.
    codes = set_up_authenticator(officer, people["officer"])
    assert len(codes) == 10
    again = app.test_client()
    assert sign_in(again, "officer@a.example").headers["Location"] == "/sign-in/security-code"


def test_the_settings(app: Flask, people: dict[str, User]) -> None:
    officer, analyst = people["officer"], people["analyst"]
    assert two_factor.required_for(officer) and two_factor.required_for(analyst)
    app.config.update(TWO_FACTOR_REQUIRED_COUNCIL=False, TWO_FACTOR_REQUIRED_LGA=False)
    assert not two_factor.needed(officer) and not two_factor.needed(analyst)
    app.config["PRODUCTION"] = True  # LGA roles always need it in production
    assert two_factor.required_for(analyst) and not two_factor.required_for(officer)
