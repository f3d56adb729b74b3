"""The one way the service sends email.

By default each message is written to ``instance/outbox/`` as an ``.eml`` file (and logged), so a
local run and the tests can read exactly what would have been sent. ``MAIL_BACKEND = "smtp"`` sends
through the configured SMTP server instead, and ``"notify"`` through GOV.UK Notify (public-sector
deployments): each of our templates maps to a Notify template id that shows ``((subject))`` and
``((body))``, so the wording stays in this repository.
"""

from __future__ import annotations

import smtplib
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import current_app, render_template

from .timeutil import utcnow


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@prodmaturity>"
    message.set_content(body)
    return message


def send(to: str, subject: str, template: str, **context: object) -> EmailMessage:
    """Render ``templates/email/<template>.txt`` and deliver it through the configured backend."""
    body = render_template(
        f"email/{template}.txt",
        service_name=current_app.config["SERVICE_NAME"],
        service_url=current_app.config["SERVICE_URL"],
        **context,
    )
    message = build_message(to, subject, body)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "notify":
        _send_notify(to, subject, body, template)
    elif backend == "outbox":
        _write_outbox(message)
    else:
        raise ValueError(f"Unknown MAIL_BACKEND {backend!r}")
    current_app.logger.info("Email %r sent to %s", subject, to)
    return message


def _write_outbox(message: EmailMessage) -> Path:
    outbox = outbox_dir()
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path = outbox / name
    path.write_bytes(message.as_bytes(policy=policy.SMTP))
    return path


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def notify_template_id(template: str) -> str:
    ids = current_app.config["NOTIFY_TEMPLATE_IDS"] or {}
    template_id = ids.get(template) or ids.get("default")
    if not template_id:
        raise ValueError(f"NOTIFY_TEMPLATE_IDS has no id for {template!r} and no default")
    return str(template_id)


def _send_notify(to: str, subject: str, body: str, template: str) -> None:
    from notifications_python_client.notifications import NotificationsAPIClient

    config = current_app.config
    client = NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"])
    client.send_email_notification(
        email_address=to,
        template_id=notify_template_id(template),
        personalisation={"subject": subject, "body": body},
    )


def outbox_dir() -> Path:
    return Path(current_app.config["MAIL_OUTBOX_DIR"])


def outbox_messages(to: str | None = None) -> list[EmailMessage]:
    """Messages in the outbox, oldest first (optionally only those to one address)."""
    folder = outbox_dir()
    if not folder.exists():
        return []
    parser = BytesParser(policy=policy.default)
    messages = [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]
    if to is not None:
        messages = [m for m in messages if m["To"].lower() == to.lower()]
    return messages  # type: ignore[return-value]


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
