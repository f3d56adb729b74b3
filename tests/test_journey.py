"""The council journey through real pages and forms: answer, check, declare, submit."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from markupsafe import escape

from prodmaturity import mail
from prodmaturity.assessments import pages, responses
from prodmaturity.extensions import db
from prodmaturity.frameworks import load_framework_file, shipped_framework_paths
from prodmaturity.frameworks.model import MaturityItem
from prodmaturity.models import Assessment, Response
from tests.factories import PASSWORD, load_shipped_framework, make_round

CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def shipped_pages() -> list[tuple[str, str]]:
    found = []
    for path in shipped_framework_paths():
        framework = load_framework_file(path)
        found += [(framework.slug, page.key) for page in pages.pages_of(framework)]
    return found


def make_assessment(slug: str, councils: dict[str, Any]) -> Assessment:
    round_ = make_round(load_shipped_framework(slug), [councils["a"], councils["b"]],
                        title=f"{slug} round")
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.round_id == round_.id, Assessment.council_id == councils["a"].id))


def form_data(assessment: Assessment, page_key: str, variant: int = 0,
              button: str = "save_and_continue") -> dict[str, Any]:
    """What a person fills in on a page: a valid answer and comment for every item."""
    framework = responses.framework_of(assessment)
    current = responses.responses_by_item(assessment)
    data: dict[str, Any] = {button: "y"}
    for item in pages.page_for(framework, page_key).items:
        key = item.key
        data[f"{key}-version"] = str(current[key].version if key in current else 0)
        data[f"{key}-comment"] = f"Comment on {key}"
        if isinstance(item, MaturityItem):
            data[f"{key}-current"] = str(1 + variant % 5)
            data[f"{key}-target"] = "5"
        elif item.type == "multiple_choice":
            data[f"{key}-answer"] = [o.value for o in item.options[:2]]
        elif item.scored:
            data[f"{key}-answer"] = item.options[variant % len(item.options)].value
        elif item.type == "number":
            data[f"{key}-answer"] = "1,200"
        else:
            data[f"{key}-answer"] = "We work with the regional warning point"
    return data


def page_url(assessment: Assessment, key: str, suffix: str = "") -> str:
    return f"/council/assessments/{assessment.id}/pages/{key}{suffix}"


@pytest.mark.parametrize(("slug", "page_key"), shipped_pages())
def test_every_page_of_both_frameworks_can_be_answered(
        app: Flask, councils: dict, people: dict, login_as: Any, slug: str, page_key: str
) -> None:
    assessment = make_assessment(slug, councils)
    client = login_as(people["officer"])
    framework = responses.framework_of(assessment)
    page = pages.page_for(framework, page_key)

    shown = client.get(page_url(assessment, page_key))
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert str(escape(framework.notice.split(".")[0])) in html
    response = client.post(page_url(assessment, page_key), data=form_data(assessment, page_key))

    following = pages.next_page(framework, page_key)
    expected = (page_url(assessment, following.key) if following
                else f"/council/assessments/{assessment.id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == expected
    stored = responses.responses_by_item(assessment)
    for item in page.items:
        saved = stored[item.key]
        assert saved.comment == f"Comment on {item.key}"
        assert responses.is_answered(item, saved)
        if isinstance(item, MaturityItem):
            assert (saved.current_stage, saved.target_stage) == (1, 5) and saved.at_lowest
        elif item.type == "multiple_choice":
            assert saved.answer == [o.value for o in item.options[:2]]
        elif item.scored:
            assert saved.answer == item.options[0].value and saved.points is not None
        elif item.type == "number":
            assert saved.answer == 1200
    assert "Last changed by" in client.get(page_url(assessment, page_key)).get_data(as_text=True)


def test_whole_journey_to_submission(app: Flask, councils: dict, people: dict, login_as: Any
                                     ) -> None:
    assessment = make_assessment("cyber-stocktake-2018", councils)
    officer, lead = login_as(people["officer"]), login_as(people["lead"])
    for page in pages.pages_of(responses.framework_of(assessment)):
        assert officer.post(page_url(assessment, page.key),
                            data=form_data(assessment, page.key)).status_code == 302
    check = officer.get(f"/council/assessments/{assessment.id}/check-answers")
    assert "govuk-summary-list" in check.get_data(as_text=True)
    assert officer.get(f"/council/assessments/{assessment.id}/submit").status_code == 403

    declaration = lead.get(f"/council/assessments/{assessment.id}/submit")
    assert "Declaration" in declaration.get_data(as_text=True)
    posted = lead.post(f"/council/assessments/{assessment.id}/submit", data={
        "confirm": "y", "sign_off_name": "Pat Director", "sign_off_role": "Chief Executive"})
    assert posted.headers["Location"] == f"/council/assessments/{assessment.id}/submitted"
    panel = lead.get(posted.headers["Location"]).get_data(as_text=True)
    db.session.refresh(assessment)
    assert "govuk-panel" in panel and assessment.reference in panel
    assert assessment.reference.startswith("CYBER-")
    assert len(mail.outbox_messages(people["lead"].email)) == 1

    # Read-only now: pages redirect to the answers; a post changes nothing.
    first = pages.pages_of(responses.framework_of(assessment))[0].key
    assert officer.get(page_url(assessment, first)).headers["Location"].endswith("check-answers")
    blocked = officer.post(page_url(assessment, first), data=form_data(assessment, first, 1))
    assert blocked.status_code == 302
    assert "submitted" in officer.get(blocked.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(Response).where(Response.item_key == "L1")).version == 1


def test_declaration_errors(app: Flask, councils: dict, people: dict, login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    lead = login_as(people["lead"])
    for page in pages.pages_of(responses.framework_of(assessment)):
        lead.post(page_url(assessment, page.key), data=form_data(assessment, page.key))
    page = lead.post(f"/council/assessments/{assessment.id}/submit", data={"sign_off_name": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Error:" in html
    assert "Confirm the declaration" in html and "Enter the name of the senior officer" in html
    assert db.session.get(Assessment, assessment.id).status == "in_progress"


def test_check_answers_lists_what_is_missing(app: Flask, councils: dict, people: dict,
                                             login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    lead = login_as(people["lead"])
    html = lead.get(f"/council/assessments/{assessment.id}/check-answers").get_data(as_text=True)
    assert "You need to answer 14 questions" in html
    assert page_url(assessment, "engaging-councillors") + "#engaging-councillors" in html
    refused = lead.post(f"/council/assessments/{assessment.id}/submit", data={
        "confirm": "y", "sign_off_name": "Pat", "sign_off_role": "Director"})
    assert refused.status_code == 302
    assert db.session.get(Assessment, assessment.id).status == "not_started"


def test_save_and_continue_needs_answers_but_come_back_later_does_not(
        app: Flask, councils: dict, people: dict, login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    client = login_as(people["officer"])
    key = "engaging-councillors"
    data = {f"{key}-version": "0", f"{key}-current": "2", "save_and_continue": "y"}
    page = client.post(page_url(assessment, key), data=data)
    assert "Select the target stage for Engaging councillors" in page.get_data(as_text=True)
    assert responses.responses_by_item(assessment) == {}
    del data["save_and_continue"]
    later = client.post(page_url(assessment, key), data=data | {"save_for_later": "y"})
    assert later.headers["Location"] == f"/council/assessments/{assessment.id}"
    assert responses.responses_by_item(assessment)[key].current_stage == 2


def test_too_long_comment_keeps_what_was_typed(app: Flask, councils: dict, people: dict,
                                               login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    client = login_as(people["officer"])
    key = "engaging-councillors"
    typed = "Long story " * 200 + "THE END"
    data = form_data(assessment, key) | {f"{key}-comment": typed}
    html = client.post(page_url(assessment, key), data=data).get_data(as_text=True)
    assert "Comment must be 2000 characters or fewer" in html
    assert "THE END" in html and "govuk-error-summary" in html
    assert responses.responses_by_item(assessment) == {}


@pytest.mark.parametrize(("slug", "page_key", "field", "value"), [
    ("nps-2018", "engaging-councillors", "engaging-councillors-current", "9"),
    ("nps-2018", "engaging-councillors", "engaging-councillors-target", "0"),
    ("nps-2018", "engaging-councillors", "engaging-councillors-current", "two"),
    ("cyber-stocktake-2018", "leadership", "L1-answer", "definitely"),
    ("cyber-stocktake-2018", "leadership", "L1-answer", "__na__"),
    ("cyber-stocktake-2018", "governance", "G9-answer", ["passwords", "hacked"]),
    ("cyber-stocktake-2018", "governance", "G9-answer", ["passwords", "__none__"]),
    ("cyber-stocktake-2018", "leadership", "L9-answer", "many"),
])
def test_tampered_values_change_nothing(app: Flask, councils: dict, people: dict,
                                        login_as: Any, slug: str, page_key: str, field: str,
                                        value: Any) -> None:
    assessment = make_assessment(slug, councils)
    client = login_as(people["officer"])
    data = form_data(assessment, page_key) | {field: value}
    response = client.post(page_url(assessment, page_key), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in html
    assert responses.responses_by_item(assessment) == {}
    assert db.session.get(Assessment, assessment.id).status == "not_started"


def test_missing_csrf_token_changes_nothing(csrf_app: Flask, councils: dict, people: dict,
                                            login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    client = csrf_app.test_client()
    token = CSRF_TOKEN.search(client.get("/sign-in").get_data(as_text=True)).group(1)
    signed_in = client.post("/sign-in", data={"email": people["officer"].email,
                                              "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    key = "engaging-councillors"
    response = client.post(page_url(assessment, key), data=form_data(assessment, key))
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert responses.responses_by_item(assessment) == {}
    assert db.session.get(Assessment, assessment.id).status == "not_started"


def test_home_page_shows_open_round_and_assigned_sections(app: Flask, councils: dict,
                                                          people: dict, login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    lead, officer = login_as(people["lead"]), login_as(people["officer"])
    assign = lead.post(f"/council/assessments/{assessment.id}/sections/enablers/assign",
                       data={"assignee": str(people["officer"].id)})
    assert assign.status_code == 302
    home = officer.get("/").get_data(as_text=True)
    assert "nps-2018 round" in home and "days left" in home and "Not started" in home
    assert "assigned to you" in home and "Enablers" in home
    task_list = officer.get(f"/council/assessments/{assessment.id}").get_data(as_text=True)
    assert "govuk-task-list" in task_list and "Assigned to you" in task_list
    other = login_as(people["other_officer"]).get("/").get_data(as_text=True)
    assert "assigned to you" not in other


def test_assigning_to_someone_from_another_council_is_refused(
        app: Flask, councils: dict, people: dict, login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    lead = login_as(people["lead"])
    page = lead.post(f"/council/assessments/{assessment.id}/sections/enablers/assign",
                     data={"assignee": str(people["other_officer"].id)})
    assert page.status_code == 200 and "Select who should complete" in page.get_data(
        as_text=True)
    assert responses.assignments_for(people["other_officer"], assessment.round.opens_on) == []


def test_history_for_leads_and_lga_not_officers(app: Flask, councils: dict, people: dict,
                                                login_as: Any) -> None:
    assessment = make_assessment("nps-2018", councils)
    officer = login_as(people["officer"])
    officer.post(page_url(assessment, "engaging-councillors"),
                 data=form_data(assessment, "engaging-councillors"))
    url = f"/council/assessments/{assessment.id}/history"
    assert officer.get(url).status_code == 403
    html = login_as(people["lead"]).get(url).get_data(as_text=True)
    assert "Answer changed" in html and people["officer"].name in html
    assert "Current stage: Minimum" in html
    lga = login_as(people["analyst"]).get(f"/lga/assessments/{assessment.id}/history")
    assert lga.status_code == 200 and "Answer changed" in lga.get_data(as_text=True)
