"""The GOV.UK Notify mail backend, stubbed at the client's HTTP boundary."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from notifications_python_client.notifications import NotificationsAPIClient

from prodmaturity import mail
from prodmaturity.config import ConfigError, check_production, environment_overrides
from prodmaturity.mail import outbox_messages
from prodmaturity.models import User
from tests.factories import sign_in

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"prodmaturity_test-{SERVICE_ID}-{SECRET}"
CODE_TEMPLATE = "3f1a0f8e-5b1d-4d1e-9a53-0c1e2f3a4b5c"
DEFAULT_TEMPLATE = "9b2c7d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"MAIL_BACKEND": "notify", "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_TEMPLATE_IDS": {"two_factor_code": CODE_TEMPLATE,
                                    "default": DEFAULT_TEMPLATE},
            "TWO_FACTOR_REQUIRED_COUNCIL": True}


@pytest.fixture
def posted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, Any]]]:
    """What the real client would POST to Notify (nothing leaves the machine)."""
    calls: list[tuple[str, str, dict[str, Any]]] = []

    def fake_post(self: NotificationsAPIClient, url: str, data: dict[str, Any]) -> dict[str, Any]:
        calls.append((self.service_id, url, data))
        return {"id": str(uuid.uuid4())}

    monkeypatch.setattr(NotificationsAPIClient, "post", fake_post)
    return calls


def test_sign_in_code_goes_through_notify(app: Flask, people: dict[str, User],
                                          posted: list[Any]) -> None:
    client = app.test_client()
    assert sign_in(client, "officer@a.example").headers["Location"] == "/sign-in/security-code"
    ((service_id, url, data),) = posted
    assert (service_id, url) == (SERVICE_ID, "/v2/notifications/email")
    assert data["email_address"] == "officer@a.example"
    assert data["template_id"] == CODE_TEMPLATE
    assert set(data["personalisation"]) == {"subject", "body"}
    assert "security code" in data["personalisation"]["subject"]
    code = data["personalisation"]["body"].split("security code is:")[1].split()[0]
    assert client.post("/sign-in/security-code", data={"code": code}).status_code == 302
    assert outbox_messages() == []  # nothing written locally


def test_templates_without_their_own_id_use_the_default(app: Flask, people: dict[str, User],
                                                        posted: list[Any]) -> None:
    app.test_client().post("/forgot-password", data={"email": "officer@a.example"})
    assert posted[0][2]["template_id"] == DEFAULT_TEMPLATE
    assert "/reset-password/" in posted[0][2]["personalisation"]["body"]


def test_a_missing_template_id_is_an_error(app: Flask, posted: list[Any]) -> None:
    app.config["NOTIFY_TEMPLATE_IDS"] = {"invitation": CODE_TEMPLATE}
    with app.test_request_context(), pytest.raises(ValueError, match="no id for"):
        mail.send("x@a.example", "Subject", "password_reset_unknown", email="x@a.example")
    assert posted == []


def test_send_email_notification_is_called_with_our_wording(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(NotificationsAPIClient, "send_email_notification",
                        lambda self, **kwargs: calls.append(kwargs))
    with app.test_request_context():
        mail.send("x@a.example", "No account", "password_reset_unknown", email="x@a.example")
    (call,) = calls
    assert call["personalisation"]["subject"] == "No account"
    assert "there is no account with that email address" in call["personalisation"]["body"]


def test_notify_settings_from_the_environment() -> None:
    read = environment_overrides({
        "NOTIFY_API_KEY": API_KEY, "PRODMATURITY_MAIL_BACKEND": "notify",
        "PRODMATURITY_NOTIFY_TEMPLATE_IDS": f'{{"default": "{DEFAULT_TEMPLATE}"}}'})
    assert read["NOTIFY_API_KEY"] == API_KEY
    assert read["NOTIFY_TEMPLATE_IDS"] == {"default": DEFAULT_TEMPLATE}
    with pytest.raises(ConfigError, match="NOTIFY_API_KEY must be set"):
        check_production({"MAIL_BACKEND": "notify", "NOTIFY_API_KEY": ""})
