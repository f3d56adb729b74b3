"""Reminders: who is chosen, the 24-hour rule, the audit event and the emails sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.extensions import db
from prodmaturity.lga.filters import CouncilFilter
from prodmaturity.lga.reminders import chase_list, outcome_messages, send_reminders
from prodmaturity.mail import body_of, outbox_messages
from prodmaturity.models import Assessment, AuditEvent, Reminder
from prodmaturity.permissions import Role
from tests.conftest import count_rows
from tests.factories import (
    load_shipped_framework,
    make_council,
    make_round,
    make_user,
)

NOW = datetime(2030, 1, 10, 9, 0)


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    """Emails render templates, which need a request (reminders are sent from one)."""
    with app.test_request_context():
        yield


@pytest.fixture
def setup(app: Flask, request_context: None) -> dict[str, Any]:
    councils = {
        "alder": make_council("E07000101", "Alder District Council", region="London"),
        "birch": make_council("E07000102", "Birch District Council", region="North West"),
        "cedar": make_council("E07000103", "Cedar District Council", region="London"),
        "done": make_council("E07000104", "Done District Council", region="London"),
    }
    round_ = make_round(load_shipped_framework("nps-2018"), list(councils.values()),
                        title="NPS 2030")
    statuses = {"alder": "not_started", "birch": "in_progress", "cedar": "returned",
                "done": "submitted"}
    for key, status in statuses.items():
        db.session.scalar(sa.select(Assessment).where(
            Assessment.council_id == councils[key].id)).status = status
    db.session.commit()
    people = {
        "alder_1": make_user("one@alder.example", Role.COUNCIL_LEAD, councils["alder"]),
        "alder_2": make_user("two@alder.example", Role.COUNCIL_LEAD, councils["alder"]),
        "alder_officer": make_user("off@alder.example", Role.COUNCIL_OFFICER, councils["alder"]),
        "birch": make_user("lead@birch.example", Role.COUNCIL_LEAD, councils["birch"]),
        "done": make_user("lead@done.example", Role.COUNCIL_LEAD, councils["done"]),
        "admin": make_user("admin@lga.example", Role.LGA_ADMIN),
        "analyst": make_user("analyst@lga.example", Role.LGA_ANALYST),
    }
    gone = make_user("gone@birch.example", Role.COUNCIL_LEAD, councils["birch"])
    gone.deactivated_at = NOW - timedelta(days=30)
    db.session.commit()
    return {"round": round_, "councils": councils, "people": people}


def _ids(setup: dict[str, Any], *keys: str) -> list[int]:
    return [setup["councils"][key].id for key in keys]


def test_selected_councils_leads_are_emailed(app: Flask, setup: dict[str, Any]) -> None:
    admin = setup["people"]["admin"]
    outcome = send_reminders(setup["round"], _ids(setup, "alder"), actor=admin, now=NOW)

    assert outcome.sent == ["Alder District Council"] and outcome.emails == 2
    recipients = sorted(m["To"] for m in outbox_messages())
    assert recipients == ["one@alder.example", "two@alder.example"]  # not the officer
    message = outbox_messages("one@alder.example")[0]
    assert "NPS 2030" in message["Subject"]
    body = body_of(message)
    assert "Alder District Council has not yet submitted" in body and "Not started" in body
    reminder = db.session.scalar(sa.select(Reminder))
    assert (reminder.council_id, reminder.recipients, reminder.sent_by_id) == (
        setup["councils"]["alder"].id, 2, admin.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reminder_sent"))
    assert event.council_id == setup["councils"]["alder"].id and event.actor_id == admin.id
    assert event.subject_type == "Assessment"
    assert event.detail == {"round_id": setup["round"].id,
                            "recipients": ["one@alder.example", "two@alder.example"]}


def test_no_second_reminder_within_24_hours(app: Flask, setup: dict[str, Any]) -> None:
    admin = setup["people"]["admin"]
    send_reminders(setup["round"], _ids(setup, "alder"), actor=admin, now=NOW)

    again = send_reminders(setup["round"], _ids(setup, "alder"), actor=admin,
                           now=NOW + timedelta(hours=23, minutes=59))
    assert again.sent == [] and again.too_soon == ["Alder District Council"]
    assert len(outbox_messages()) == 2 and count_rows(Reminder) == 1
    later = send_reminders(setup["round"], _ids(setup, "alder"), actor=admin,
                           now=NOW + timedelta(hours=24, minutes=1))
    assert later.sent == ["Alder District Council"] and len(outbox_messages()) == 4


def test_all_outstanding_skips_submitted_and_leadless(app: Flask,
                                                      setup: dict[str, Any]) -> None:
    outcome = send_reminders(setup["round"], None, actor=setup["people"]["admin"], now=NOW)

    assert outcome.sent == ["Alder District Council", "Birch District Council"]
    assert outcome.no_lead == ["Cedar District Council"]  # returned, but nobody to email
    assert outbox_messages("lead@done.example") == []
    assert outbox_messages("gone@birch.example") == []  # deactivated
    assert count_rows(AuditEvent) >= 2
    messages = dict(outcome_messages(outcome))
    assert "Reminder sent to 3 leads at 2 councils" in messages


def test_selection_reports_councils_already_submitted(app: Flask,
                                                      setup: dict[str, Any]) -> None:
    outcome = send_reminders(setup["round"], _ids(setup, "done", "birch"),
                             actor=setup["people"]["admin"], now=NOW)
    assert outcome.sent == ["Birch District Council"] and outcome.not_outstanding == 1


def test_all_outstanding_respects_the_filter(app: Flask, setup: dict[str, Any]) -> None:
    outcome = send_reminders(setup["round"], None, actor=setup["people"]["admin"],
                             council_filter=CouncilFilter(region="North West"), now=NOW)
    assert outcome.sent == ["Birch District Council"]


def test_chase_list_shows_outstanding_and_last_reminder(app: Flask,
                                                       setup: dict[str, Any]) -> None:
    send_reminders(setup["round"], _ids(setup, "alder"), actor=None, now=NOW)

    rows = chase_list(setup["round"], now=NOW + timedelta(hours=1)).items
    assert [r.name for r in rows] == ["Alder District Council", "Birch District Council",
                                      "Cedar District Council"]
    alder, birch, cedar = rows
    assert alder.last_reminded_at == NOW and not alder.can_remind
    assert birch.can_remind and birch.lead_count == 1
    assert not cedar.can_remind and cedar.lead_count == 0
    assert chase_list(setup["round"], now=NOW + timedelta(hours=25)).items[0].can_remind


# Pages -----------------------------------------------------------------------------------------


def test_analyst_views_chase_list_but_cannot_send(app: Flask, setup: dict[str, Any],
                                                  login_as: Any) -> None:
    client = login_as(setup["people"]["analyst"])
    url = f"/lga/rounds/{setup['round'].id}/chase"
    page = client.get(url).get_data(as_text=True)
    assert "Alder District Council" in page and "Done District Council" not in page
    assert 'name="councils"' not in page
    assert client.post(f"{url}/reminders", data={"send_all": "1"}).status_code == 403
    assert outbox_messages() == []


def test_admin_sends_reminders_from_the_chase_list(app: Flask, setup: dict[str, Any],
                                                   login_as: Any) -> None:
    client = login_as(setup["people"]["admin"])
    url = f"/lga/rounds/{setup['round'].id}/chase"

    empty = client.post(f"{url}/reminders", data={"send_selected": "1"})
    assert empty.status_code == 200
    assert "Select at least one council to remind" in empty.get_data(as_text=True)
    response = client.post(f"{url}/reminders", data={
        "send_selected": "1", "councils": [str(setup["councils"]["birch"].id)]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/chase")
    page = client.get(url).get_data(as_text=True)
    assert "Reminder sent to 1 lead at 1 council" in page
    assert [m["To"] for m in outbox_messages()] == ["lead@birch.example"]
    client.post(f"{url}/reminders", data={
        "send_selected": "1", "councils": [str(setup["councils"]["birch"].id)]})
    assert "reminded in the last 24 hours: Birch District Council" in client.get(
        url).get_data(as_text=True)
    assert len(outbox_messages()) == 1
