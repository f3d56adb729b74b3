"""Security events are recorded with who, when and from where; LGA admins filter and get a CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity import timeutil
from prodmaturity.auth.events import EventFilter, events_query
from prodmaturity.extensions import db
from prodmaturity.models import AuditEvent, User
from tests.factories import PASSWORD, sign_in


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def table(response: Any) -> str:
    page = text(response)
    return page[page.index("<table"):page.index("</table>")]


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("config_overrides", [{"LOGIN_MAX_FAILURES": 2}])
def test_sign_in_events_say_who_and_from_where(app: Flask, people: dict[str, User]) -> None:
    client = app.test_client()
    client.post("/sign-in", data={"email": "nobody@a.example", "password": "guess guess"},
                environ_base={"REMOTE_ADDR": "203.0.113.9"})
    for _ in range(2):
        sign_in(client, "officer@a.example", "guess guess guess")
    sign_in(client, "officer@a.example")  # refused: locked
    sign_in(client, "lead@a.example")
    assert actions() == ["sign_in_failed", "sign_in_failed", "sign_in_failed", "account_locked",
                         "sign_in_refused_locked", "sign_in"]
    unknown = db.session.scalars(sa.select(AuditEvent)).first()
    assert unknown.actor_id is None and unknown.detail == {"email": "nobody@a.example"}
    assert unknown.ip_address == "203.0.113.9"
    last = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.actor_id, last.ip_address) == (people["lead"].id, "127.0.0.1")


@pytest.fixture
def history(app: Flask, people: dict[str, User], login_as: Any) -> Any:
    """Sign-ins, a failure, a deactivation and a role change, as they happen in the app."""
    people["other_officer"].name = "=HYPERLINK(\"http://evil.example\",\"Click\")"
    db.session.commit()
    sign_in(app.test_client(), "officer@b.example", "wrong wrong wrong")
    lead = login_as(people["lead"])
    lead.post(f"/council/team/{people['officer'].id}/deactivate")
    admin = login_as(people["admin"])
    admin.post(f"/admin/users/{people['other_officer'].id}/make-lead")
    return admin


def test_admin_filters_security_events(history: Any, people: dict[str, User]) -> None:
    page = table(history.get("/admin/security-events"))
    for label in ("Signed in", "Failed sign-in", "Account deactivated", "Role changed"):
        assert label in page
    page = table(history.get("/admin/security-events?action=user_deactivated"))
    assert "officer@a.example" in page and "1 event<" in page
    page = table(history.get("/admin/security-events?email=OFFICER@b.example"))
    assert "Failed sign-in" in page and "Role changed" in page and "Account deactivated" not in page
    today = timeutil.today()
    tomorrow = today + timedelta(days=1)
    assert "0 events" in text(history.get(
        f"/admin/security-events?date_from={tomorrow:%d %m %Y}"))
    assert "0 events" not in text(history.get(
        f"/admin/security-events?date_from={today:%Y-%m-%d}&date_to={today:%d/%m/%Y}"))
    page = text(history.get("/admin/security-events?date_from=31 2 2024"))
    assert "From must be a real date, like 1 4 2019" in page and "<title>Error: " in page


def test_admin_downloads_security_events_as_csv(history: Any, people: dict[str, User]) -> None:
    response = history.get("/admin/security-events.csv?email=officer@b.example")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="security-events-')
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Time (UTC)", "Action", "Actor name"]
    assert {row[1] for row in rows[1:]} == {"Failed sign-in", "Role changed"}
    names = {row[2] for row in rows[1:]} | {row[4] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in names  # neutralised
    assert not any(cell.startswith("=") for row in rows for cell in row)
    export = db.session.scalars(sa.select(AuditEvent).filter_by(action="export")).one()
    assert export.actor_id == people["admin"].id
    assert export.detail == {"export": "security_events", "email": "officer@b.example"}
    assert "Data exported" in table(history.get("/admin/security-events?action=export"))


def test_second_factor_changes_are_security_events(app: Flask, people: dict[str, User]) -> None:
    with app.test_request_context():
        from prodmaturity.auth import two_factor

        two_factor.use_email_codes(people["officer"], keep_sid=None)
        two_factor.reset_by_admin(people["admin"], people["officer"])
    found = db.session.scalars(events_query(EventFilter(email="officer@a.example"))).all()
    assert [e.action for e in found] == ["two_factor_reset", "two_factor_changed"]
    assert PASSWORD  # the people were made with the shared password
