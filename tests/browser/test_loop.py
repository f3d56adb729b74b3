"""The whole loop as people do it: the LGA opens a round and invites a council lead; the lead and an
officer fill it in together (and meet the conflict message); the lead submits; the LGA returns it,
the lead resubmits, the LGA accepts; the result shows in the aggregated view, the programme
dashboard and a downloaded CSV. Axe checks and screenshots are taken along the way."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.browser.conftest import LiveServer, assert_accessible, screenshot
from tests.browser.journey import (
    NPS_PAGES,
    accept_invitation,
    answer_stages,
    fill_pages,
    open_assessment,
    open_round,
    submit,
)

GSS = "E06000023"  # Bristol: no demo people
TITLE = "NPS self-assessment: Bristol browser loop"
LEAD = "lead@bristol.example"
OFFICER = "officer@bristol.example"
CONFLICT = "Someone else changed this page while you were editing it"


def test_round_from_opening_to_accepted_result(browser: Any, live_server: LiveServer,
                                               as_user: Any) -> None:
    admin = as_user("admin@lga.example")
    round_id = open_round(admin, TITLE, GSS)
    assert "Bristol City Council" in admin.locator("table").inner_text()

    # The admin invites the council's lead.
    admin.goto("/admin/users")
    admin.get_by_role("link", name="Invite someone").click()
    admin.get_by_label("Full name").fill("Bea Lewis")
    admin.get_by_label("Email address").fill(LEAD)
    admin.get_by_label("Council lead").check()
    admin.get_by_label("Council", exact=True).select_option(GSS)
    admin.get_by_role("button", name="Send invitation").click()
    admin.wait_for_url("**/admin/users")

    # The lead accepts, then invites an officer, who accepts too.
    lead_context = browser.new_context(base_url=live_server.url)
    lead = lead_context.new_page()
    accept_invitation(lead, live_server, LEAD)
    lead.goto("/council/team/invite")
    lead.get_by_label("Full name").fill("Owen Price")
    lead.get_by_label("Email address").fill(OFFICER)
    lead.get_by_role("button", name="Send invitation").click()
    # The team page lists the open invitation (a check that does not hang on the flashed banner,
    # which once went missing in a full run on PostgreSQL; gunicorn.log now logs requests).
    assert OFFICER in lead.locator("main").inner_text()
    assert_accessible(lead, "loop_team")
    officer_context = browser.new_context(base_url=live_server.url)
    officer = officer_context.new_page()
    accept_invitation(officer, live_server, OFFICER)

    # Both open the first page; the lead saves first, so the officer meets the conflict.
    assessment_id = open_assessment(lead, TITLE)
    screenshot(lead, "task_list")
    assert open_assessment(officer, TITLE) == assessment_id
    for person in (lead, officer):
        person.get_by_role("link", name="Showing leadership", exact=True).click()
    answer_stages(officer, 2, 3)
    fill_pages(lead, 1)
    officer.get_by_role("button", name="Save and continue").click()
    assert CONFLICT in officer.locator(".govuk-error-summary").inner_text()
    assert "Priya" not in officer.content()  # another council's people never show
    assert "Bea Lewis" in officer.locator(".govuk-error-summary").inner_text()
    screenshot(officer, "conflict")
    assert_accessible(officer, "loop_conflict")
    answer_stages(officer, 3, 4)  # agree with the lead, then save over it
    officer.get_by_role("button", name="Save and continue").click()
    assert officer.locator(".govuk-error-summary").count() == 0

    # They split the rest: the officer carries on from page 2 to 7; the lead does 8 to 14,
    # one page each in turn.
    officer_left, lead_left = 6, NPS_PAGES - 7
    lead.goto(f"/council/assessments/{assessment_id}")
    lead.get_by_role("link", name="Achieving community benefits", exact=True).click()
    while officer_left or lead_left:
        if officer_left:
            fill_pages(officer, 1)
            officer_left -= 1
        if lead_left:
            fill_pages(lead, 1)
            lead_left -= 1
    lead.goto(f"/council/assessments/{assessment_id}")
    assert "Every required question is answered" in lead.content()

    first_reference = submit(lead, assessment_id)
    screenshot(lead, "confirmation")
    assert any("submitted" in subject.lower() for subject, _ in live_server.emails(LEAD))

    # The LGA returns it with a reason.
    admin.goto(f"/lga/rounds/{round_id}")
    admin.get_by_role("link", name="Bristol City Council", exact=True).click()
    admin.get_by_role("link", name="Return to council").click()
    reason = "Please explain the target stage for engaging councillors."
    admin.get_by_label("Why are you returning this assessment?").fill(reason)
    admin.get_by_role("button", name="Return assessment").click()
    assert "assessment returned" in admin.locator(".govuk-notification-banner").inner_text()

    # The lead sees why, changes an answer and submits again.
    lead.goto(f"/council/assessments/{assessment_id}")
    assert reason in lead.locator(".govuk-inset-text").first.inner_text()
    lead.get_by_role("link", name="Showing leadership", exact=True).click()
    answer_stages(lead, 3, 5)
    lead.get_by_label("Comment (optional)").fill("Councillor champion appointed.")
    lead.get_by_role("button", name="Save and come back later").click()
    assert submit(lead, assessment_id) == first_reference  # the reference is kept

    # The LGA accepts.
    admin.goto(f"/lga/assessments/{assessment_id}")
    assert "Councillor champion appointed." in admin.content()
    admin.get_by_role("button", name="Accept assessment").click()
    assert "assessment accepted" in admin.locator(".govuk-notification-banner").inner_text()
    lead.goto(f"/council/assessments/{assessment_id}/results")
    assert "Your results" in lead.locator("h1").inner_text()
    screenshot(lead, "results_loop")

    _aggregates_show_it(admin, round_id)
    _programme_shows_it(admin)
    _csv_shows_it(admin)
    lead_context.close()
    officer_context.close()


def _aggregates_show_it(admin: Any, round_id: int) -> None:
    admin.goto(f"/lga/rounds/{round_id}/results")
    text = admin.locator("main").inner_text()
    assert TITLE in text
    assert "1 council" in text or "1 of 1" in text, text[:800]
    assert_accessible(admin, "loop_lga_results")


def _programme_shows_it(admin: Any) -> None:
    """A measure added for the new round shows its one accepted return on the dashboard."""
    admin.goto("/programme/")
    admin.locator(".govuk-summary-card__title a").first.click()
    admin.get_by_role("link", name="Add a measure").click()
    admin.get_by_label("Name shown on the dashboard").fill("Bristol loop returns")
    admin.get_by_label("Round", exact=True).select_option(label=TITLE)
    admin.get_by_label("What to measure").select_option("returns_received")
    admin.get_by_role("button", name="Add measure").click()
    admin.goto("/programme/")
    row = admin.locator("tr", has_text="Bristol loop returns")
    assert "100.0%" in row.inner_text() and "1 of 1" in row.inner_text(), row.inner_text()


def _csv_shows_it(admin: Any) -> None:
    admin.goto("/exports")
    link = admin.get_by_role("link", name=f"Results, one row per council for {TITLE}")
    with admin.expect_download() as info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(
        info.value.path().read_text(encoding="utf-8-sig"))))
    assert [r["council_gss_code"] for r in rows] == [GSS]
    (row,) = rows
    assert row["assessment_status"] == "accepted"
    assert float(row["overall_median_stage"]) == 3
