"""A council's people never see or change another council's assessment."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.extensions import db
from prodmaturity.models import Assessment, AuditEvent, Response, SectionAssignment
from tests.factories import load_shipped_framework, make_round
from tests.test_journey import form_data

PAGES = ["", "/pages/leadership", "/check-answers", "/submit", "/submitted", "/history",
         "/carry-forward", "/sections/leadership/assign", "/results"]
POSTS = ["/pages/leadership", "/submit", "/carry-forward", "/sections/leadership/assign"]


@pytest.fixture
def theirs(app: Flask, councils: dict[str, Any], people: dict[str, Any]) -> Assessment:
    """Council A's assessment, in a round council B also takes part in."""
    version = load_shipped_framework("cyber-stocktake-2018")
    make_round(version, [councils["b"]], title="Earlier", opens_on=None)
    round_ = make_round(version, [councils["a"], councils["b"]])
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.round_id == round_.id, Assessment.council_id == councils["a"].id))


@pytest.mark.parametrize("who", ["other_officer", "other_lead"])
@pytest.mark.parametrize("suffix", PAGES)
def test_other_councils_pages_are_not_found(theirs: Assessment, people: dict, login_as: Any,
                                            who: str, suffix: str) -> None:
    response = login_as(people[who]).get(f"/council/assessments/{theirs.id}{suffix}")
    expected = {404} if who == "other_lead" or suffix not in ("/submit", "/history",
                                                              "/carry-forward") else {403}
    assert response.status_code in expected


@pytest.mark.parametrize("suffix", POSTS)
def test_posts_to_other_councils_assessment_change_nothing(theirs: Assessment, people: dict,
                                                           login_as: Any, suffix: str) -> None:
    data = form_data(theirs, "leadership") | {
        "confirm": "y", "sign_off_name": "X", "sign_off_role": "Y",
        "assignee": str(people["other_officer"].id)}
    response = login_as(people["other_lead"]).post(f"/council/assessments/{theirs.id}{suffix}",
                                                   data=data)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SectionAssignment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.council_id == theirs.council_id)) == 0
    assert db.session.get(Assessment, theirs.id).status == "not_started"


@pytest.mark.parametrize("who", ["officer", "lead", "other_lead"])
def test_council_people_cannot_use_lga_pages(theirs: Assessment, people: dict, login_as: Any,
                                             who: str) -> None:
    client = login_as(people[who])
    for url in (f"/lga/assessments/{theirs.id}", f"/lga/assessments/{theirs.id}/history",
                "/lga/rounds"):
        assert client.get(url).status_code == 403
    assert client.post(f"/lga/assessments/{theirs.id}/accept").status_code == 403
    assert client.post(f"/lga/assessments/{theirs.id}/return",
                       data={"reason": "x"}).status_code == 403


def test_own_council_list_shows_only_own_assessments(theirs: Assessment, people: dict,
                                                     login_as: Any) -> None:
    own = login_as(people["officer"]).get("/council/assessments").get_data(as_text=True)
    other = login_as(people["other_officer"]).get("/council/assessments").get_data(as_text=True)
    assert f"/council/assessments/{theirs.id}\"" in own
    assert f"/council/assessments/{theirs.id}\"" not in other
    assert "Earlier" in other and "Earlier" not in own
