"""Colleagues at the same time: no lost updates, and one submission however often it is sent."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from prodmaturity import create_app, mail
from prodmaturity.assessments import pages, responses
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, AuditEvent
from tests.conftest import IsolatedClient, base_config
from tests.factories import (
    PASSWORD,
    load_shipped_framework,
    make_councils,
    make_people,
    make_round,
    sign_in,
)
from tests.services import require_postgres
from tests.test_journey import form_data, page_url
from tests.test_responses import answer_all

SUBMISSION = {"confirm": "y", "sign_off_name": "Pat Director", "sign_off_role": "Chief Executive"}


def nps_assessment(councils: dict[str, Any]) -> Assessment:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"]])
    return db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id))


def test_two_colleagues_on_one_page_lose_nothing(app: Flask, councils: dict, people: dict,
                                                 login_as: Any) -> None:
    assessment = nps_assessment(councils)
    key = "engaging-councillors"
    officer, lead = login_as(people["officer"]), login_as(people["lead"])
    officer.get(page_url(assessment, key))
    lead.get(page_url(assessment, key))
    opened = form_data(assessment, key)  # both forms carry version 0

    first = opened | {f"{key}-current": "2", f"{key}-comment": "Officer's view"}
    assert officer.post(page_url(assessment, key), data=first).status_code == 302
    second = opened | {f"{key}-current": "4", f"{key}-comment": "Lead's view"}
    refused = lead.post(page_url(assessment, key), data=second)

    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Someone else changed this page" in html
    assert f"Saved by {people['officer'].name}" in html
    assert "Current stage: Developing" in html and "Officer&#39;s view" in html
    assert "Current stage: Leader" in html and "Lead&#39;s view" in html
    assert "Lead&#39;s view</textarea>" in html  # what they typed is still in the form
    stored = responses.responses_by_item(assessment)[key]
    assert (stored.current_stage, stored.comment, stored.version) == (2, "Officer's view", 1)

    # The re-displayed form now carries the current version: saving it is a deliberate merge.
    assert f'name="{key}-version" type="hidden" value="1"' in html
    merged = second | {f"{key}-version": "1", f"{key}-comment": "Officer's view; lead agrees"}
    assert lead.post(page_url(assessment, key), data=merged).status_code == 302
    stored = responses.responses_by_item(assessment)[key]
    assert (stored.current_stage, stored.version) == (4, 2)
    changes = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "response_changed").order_by(AuditEvent.id)).all()
    assert [e.actor_id for e in changes] == [people["officer"].id, people["lead"].id]


def test_missing_version_is_never_a_silent_overwrite(app: Flask, councils: dict, people: dict,
                                                     login_as: Any) -> None:
    assessment = nps_assessment(councils)
    key = "engaging-councillors"
    officer = login_as(people["officer"])
    officer.post(page_url(assessment, key), data=form_data(assessment, key))
    data = form_data(assessment, key, variant=3)
    del data[f"{key}-version"]
    html = officer.post(page_url(assessment, key), data=data).get_data(as_text=True)
    assert "Someone else changed this page" in html
    assert responses.responses_by_item(assessment)[key].current_stage == 1


def race(clients: list[FlaskClient], url: str, data: dict[str, Any]) -> list[int]:
    """POST from every client at once; return the status codes."""
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []
    errors: list[BaseException] = []

    def go(client: FlaskClient) -> None:
        try:
            barrier.wait()
            codes.append(client.post(url, data=data).status_code)
        except BaseException as exc:  # surfaced below: a thread must not hide a failure
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return codes


def assert_submitted_once(assessment_id: int, lead_email: str) -> None:
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment.status == "submitted" and assessment.reference
    submissions = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "assessment_status_changed", AuditEvent.new_value == "submitted"))
    assert submissions == 1
    sent = mail.outbox_messages(lead_email)
    assert len(sent) == 1 and assessment.reference in mail.body_of(sent[0])


def test_concurrent_submissions_submit_once_on_sqlite(app: Flask, councils: dict, people: dict,
                                                      login_as: Any) -> None:
    assessment = nps_assessment(councils)
    answer_all(assessment, people["officer"])
    clients = [login_as(people["lead"]) for _ in range(4)]
    codes = race(clients, f"/council/assessments/{assessment.id}/submit", SUBMISSION)
    assert codes == [302] * 4
    assert_submitted_once(assessment.id, people["lead"].email)


@pytest.mark.postgres
def test_concurrent_submissions_submit_once_on_postgres(tmp_path: Path) -> None:
    url = require_postgres("prodmaturity_test_concurrency")
    pg_app = create_app(base_config(url, tmp_path / "outbox"))
    pg_app.test_client_class = IsolatedClient
    with pg_app.app_context():
        db.create_all()
        try:
            people = make_people(make_councils())
            assessment = nps_assessment({"a": people["lead"].council})
            answer_all(assessment, people["officer"])
            clients = []
            for _ in range(4):
                client = pg_app.test_client()
                assert sign_in(client, people["lead"].email, PASSWORD).status_code == 302
                clients.append(client)
            codes = race(clients, f"/council/assessments/{assessment.id}/submit", SUBMISSION)
            assert codes == [302] * 4
            assert_submitted_once(assessment.id, people["lead"].email)
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_every_page_saves_and_is_counted(app: Flask, councils: dict, people: dict) -> None:
    """The sanity check behind the races: a fully answered assessment has nothing missing."""
    assessment = nps_assessment(councils)
    answer_all(assessment, people["officer"])
    framework = responses.framework_of(assessment)
    assert responses.missing_items(assessment) == []
    assert len(responses.responses_by_item(assessment)) == len(pages.pages_of(framework))
