"""Programme pages through real requests: who sees what, the forms, and the Board report."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, url_for

from prodmaturity.extensions import db
from prodmaturity.models import AuditEvent, Deliverable, Measure, ProgressUpdate, Round
from prodmaturity.programme import services
from tests import route_matrix
from tests.factories import load_shipped_framework, make_round
from tests.route_matrix import EXPECTED, VISITORS
from tests.test_programme_measures import AREA, World, measure
from tests.test_programme_measures import world as world  # the fixture, shared

PROGRAMME = sorted(ep for ep in EXPECTED if ep.startswith("programme."))


@pytest.mark.parametrize("visitor", VISITORS)
def test_programme_routes_follow_the_matrix(app: Flask, people: dict[str, Any],
                                            councils: dict[str, Any], login_as: Any,
                                            visitor: str) -> None:
    client = app.test_client() if visitor == "anonymous" else login_as(people[visitor])
    sample = route_matrix.make_sample(councils, people)
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    for endpoint in PROGRAMME:
        with app.test_request_context():
            url = url_for(endpoint, **route_matrix.url_values(rules[endpoint].arguments, sample))
        assert client.get(url).status_code == EXPECTED[endpoint][visitor], (endpoint, visitor)


@pytest.fixture
def admin(people: dict[str, Any], login_as: Any) -> Any:
    return login_as(people["admin"])


def deliverable_form(**changes: Any) -> dict[str, Any]:
    ids = [w.id for w in services.workstreams()]
    return {"title": "Digital housing pilot", "description": "Reuse Kent's tools.",
            "workstreams": [ids[0], ids[2]], "owner": "Productivity team",
            "financial_year": "2018", "due_quarter": "4", "mou_commitment": "y",
            "funding_source": "MHCLG grant", "status": "in_progress", "rag": "amber", **changes}


def test_admin_adds_and_edits_a_deliverable(app: Flask, admin: Any) -> None:
    services.ensure_workstreams()
    response = admin.post("/programme/deliverables/new", data=deliverable_form())
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Deliverable))
    assert (item.title, item.financial_year, item.due_quarter, item.mou_commitment, item.rag) == (
        "Digital housing pilot", 2018, 4, True, "amber")
    assert [w.title for w in item.workstreams] == ["Transforming services", "Generating income"]

    edit = admin.get(f"/programme/deliverables/{item.id}/edit").get_data(as_text=True)
    assert 'value="Digital housing pilot"' in edit
    response = admin.post(f"/programme/deliverables/{item.id}/edit",
                          data=deliverable_form(owner="Housing team", workstreams=[]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Select at least one workstream" in page
    assert "<title>Error:" in page
    admin.post(f"/programme/deliverables/{item.id}/edit", data=deliverable_form(owner="Housing"))
    db.session.refresh(item)
    assert item.owner == "Housing"
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("deliverable_%")).order_by(AuditEvent.id)).all()
    assert actions == ["deliverable_created", "deliverable_updated"]


def test_progress_updates_are_audited_and_set_the_rag(world: World, admin: Any) -> None:
    url = f"/programme/deliverables/{world.deliverable.id}/updates/new"
    response = admin.post(url, data={"quarter": "2018-19-q2", "rag": "red",
                                     "narrative": "Supplier delays."})
    assert response.status_code == 302
    admin.post(url, data={"quarter": "2018-19-q1", "rag": "green", "narrative": "Earlier."})
    db.session.refresh(world.deliverable)
    assert world.deliverable.rag == "red"  # the Q1 note, added later, is not the latest quarter
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "progress_update_added")) == 2
    page = admin.get(f"/programme/deliverables/{world.deliverable.id}").get_data(as_text=True)
    assert page.index("2018/19 Q2") < page.index("2018/19 Q1")
    missing = admin.post(url, data={"quarter": "2018-19-q2", "rag": "red", "narrative": ""})
    assert "Enter the progress made" in missing.get_data(as_text=True)


def test_measures_are_added_through_the_form(world: World, admin: Any) -> None:
    url = f"/programme/deliverables/{world.deliverable.id}/measures/new"
    form = {"label": "Mature in engaging councillors", "round_id": world.nps.id,
            "kind": "share_at_stage", "area": AREA, "stage": "", "target": "50"}
    refused = admin.post(url, data=form).get_data(as_text=True)
    assert "Enter a stage from 1 to 5" in refused
    assert admin.post(url, data={**form, "stage": "3"}).status_code == 302
    stored = db.session.scalar(sa.select(Measure))
    assert (stored.kind, stored.parameters, stored.target) == (
        "share_at_stage", {"item_key": AREA, "stage": 3}, 50.0)


def test_dashboard_shows_workstreams_measures_and_no_data(world: World, people: dict[str, Any],
                                                          login_as: Any) -> None:
    measure(world, world.nps, "share_at_stage", AREA, 3, target=50)
    measure(world, world.nps_2020, "returns_received")
    page = login_as(people["analyst"]).get("/programme/").get_data(as_text=True)
    for text in ("Transforming services", "Smarter sourcing", "Generating income",
                 "Launch the strategy", "66.7%", "2 of 3 councils", "No data"):
        assert text in page, text
    assert re.search(r"[^\d.]0\.0%", page) is None  # the empty round is "No data", not 0%
    assert "Add a deliverable" not in page  # analysts read only


def test_measures_link_to_the_aggregated_view_when_it_exists(world: World, app: Flask,
                                                             admin: Any) -> None:
    from prodmaturity.programme.links import source_url

    share = measure(world, world.nps, "share_at_stage", AREA, 3)
    gaps = measure(world, world.cyber, "councils_with_critical_gap")
    page = admin.get(f"/programme/deliverables/{world.deliverable.id}").get_data(as_text=True)
    expected = {share: ("lga.round_results", world.nps.id),
                gaps: ("lga.critical_gaps", world.cyber.id)}
    for m, (endpoint, round_id) in expected.items():
        with app.test_request_context():
            url = source_url(m)
            if endpoint in app.view_functions:
                assert url == url_for(endpoint, round_id=round_id)
        if url:
            assert f'href="{url}"' in page


def test_board_report_page_and_csv_agree(world: World, admin: Any) -> None:
    services.add_progress_update(world.deliverable, services.Quarter(2018, 2), "amber",
                                 "@Launched in July", None)
    measure(world, world.nps, "returns_received", target=50)
    measure(world, world.cyber, "councils_rated_red", "leadership")
    page = admin.get("/programme/board-report?quarter=2018-19-q2").get_data(as_text=True)
    response = admin.get("/programme/board-report.csv?quarter=2018-19-q2")
    assert response.mimetype == "text/csv"
    assert "2018-19-q2" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["Measure"], r["Value shown"], r["Target"]) for r in rows] == [
        ("returns_received None None", "40.0%", "50.0%"), ("councils_rated_red leadership None",
                                                           "1", "")]
    assert rows[0]["Progress"] == "'@Launched in July"
    text = html.unescape(page)
    assert "Board report: 2018/19 Q2" in text and "30 September 2018" in text
    for row in rows:
        for column in ("Deliverable", "Owner", "Due", "RAG", "Measure", "Value shown", "Target"):
            assert row[column] in text, (column, row[column])
        assert row["Progress"].removeprefix("'") in text


def test_board_report_refuses_an_unknown_quarter(world: World, admin: Any) -> None:
    assert admin.get("/programme/board-report?quarter=2018-20-q2").status_code == 404
    assert admin.get("/programme/board-report.csv?quarter=nonsense").status_code == 404


def test_demo_step_links_measures_to_demo_rounds_and_is_idempotent(app: Flask) -> None:
    from prodmaturity.programme.demo import NPS_2018, demo_programme

    version = load_shipped_framework("nps-2018")
    make_round(version, [], title=NPS_2018, opens_on=date(2018, 7, 1),
               closes_on=date(2018, 9, 30))
    first = demo_programme()
    assert "skipped (round missing)" in first  # no cyber rounds in this database
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (Deliverable, Measure, ProgressUpdate)]
    assert counts[0] == 8 and counts[1] >= 4
    assert {m.round.title for m in db.session.scalars(sa.select(Measure))} == {NPS_2018}
    demo_programme()
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Deliverable, Measure, ProgressUpdate)] == counts
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Round)) == 1
