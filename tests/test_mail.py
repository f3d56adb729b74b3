"""Sending email: the outbox the tests and local runs read, and SMTP."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from prodmaturity import mail


def send_note(to: str) -> EmailMessage:
    return mail.send(to, "No account", "password_reset_unknown", email=to)


def test_outbox_writes_eml_files(app: Flask) -> None:
    with app.test_request_context():
        send_note("someone@a.example")
        send_note("Other@B.example")
    files = sorted(mail.outbox_dir().glob("*.eml"))
    assert len(files) == 2
    assert b"Subject: No account" in files[0].read_bytes()

    messages = mail.outbox_messages()
    assert [m["To"] for m in messages] == ["someone@a.example", "Other@B.example"]
    (message,) = mail.outbox_messages(to="other@b.example")
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Message-ID"]
    body = mail.body_of(message)
    assert "there is no account with that email address" in body
    assert app.config["SERVICE_NAME"] in body
    assert mail.outbox_messages(to="nobody@a.example") == []


def test_empty_outbox(app: Flask) -> None:
    assert mail.outbox_messages() == []


class FakeSMTP:
    sent: list[dict[str, Any]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.record: dict[str, Any] = {"host": host, "port": port, "timeout": timeout,
                                       "tls": False, "login": None}
        FakeSMTP.sent.append(self.record)

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.record["closed"] = True

    def starttls(self) -> None:
        self.record["tls"] = True

    def login(self, user: str, password: str) -> None:
        self.record["login"] = (user, password)

    def send_message(self, message: EmailMessage) -> None:
        self.record["message"] = message


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    FakeSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="smtp.example", MAIL_PORT=587,
                      MAIL_USE_TLS=True, MAIL_USERNAME="sender", MAIL_PASSWORD="secret")
    return FakeSMTP.sent


def test_smtp_backend_sends_through_the_server(app: Flask, smtp: list[dict[str, Any]]) -> None:
    with app.test_request_context():
        send_note("someone@a.example")
    (sent,) = smtp
    assert (sent["host"], sent["port"], sent["tls"], sent["login"]) == (
        "smtp.example", 587, True, ("sender", "secret"))
    assert sent["closed"]
    assert sent["message"]["To"] == "someone@a.example"
    assert "no account" in mail.body_of(sent["message"])
    assert mail.outbox_messages() == []


def test_smtp_without_tls_or_login(app: Flask, smtp: list[dict[str, Any]]) -> None:
    app.config.update(MAIL_USE_TLS=False, MAIL_USERNAME="")
    with app.test_request_context():
        send_note("someone@a.example")
    assert (smtp[0]["tls"], smtp[0]["login"]) == (False, None)


def test_unknown_backend(app: Flask) -> None:
    app.config["MAIL_BACKEND"] = "pigeon"
    with app.test_request_context(), pytest.raises(ValueError, match="pigeon"):
        send_note("someone@a.example")
