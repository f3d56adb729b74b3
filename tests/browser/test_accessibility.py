"""axe-core (WCAG 2.2 A and AA rules) on every page type, as every role that sees it, including
error states and the charts. A serious or critical violation fails the test; every run writes
its JSON report to tests/browser/reports/ (moderate ones are listed in the accessibility statement).

Error states are made by submitting a form empty, which never changes what is stored, so the
demo data stays as the other tests expect it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.browser.conftest import (
    EMAILS,
    LiveServer,
    assert_accessible,
    axe_violations,
    screenshot,
)


class Check(NamedTuple):
    role: str | None  # None: nobody signed in
    name: str
    path: str  # formatted with the demo ids
    submit: str | None = None  # press this button with the form empty: the error state
    status: int = 200


CHECKS = [
    # Public pages and sign-in (the sign-in error state is in test_smoke.py)
    Check(None, "start", "/"),
    Check(None, "forgot_password", "/forgot-password"),
    Check(None, "forgot_password_error", "/forgot-password", "Send reset link"),
    Check(None, "frameworks_public", "/frameworks"),
    # Council lead
    Check("lead", "council_home", "/"),
    Check("lead", "assessments", "/council/assessments"),
    Check("lead", "task_list_maturity", "/council/assessments/{leeds_nps}"),
    Check("lead", "task_list_questionnaire", "/council/assessments/{leeds_cyber}"),
    Check("lead", "question_page_maturity", "/council/assessments/{leeds_nps}/pages/{nps_page}"),
    Check("lead", "question_page_questionnaire",
          "/council/assessments/{leeds_cyber}/pages/{cyber_page}"),
    Check("lead", "check_answers_incomplete", "/council/assessments/{leeds_nps}/check-answers"),
    Check("lead", "submit_incomplete", "/council/assessments/{leeds_nps}/submit"),
    Check("lead", "assign_section",
          "/council/assessments/{leeds_nps}/sections/{nps_section}/assign"),
    Check("lead", "assign_section_error",
          "/council/assessments/{leeds_nps}/sections/{nps_section}/assign", "Save"),
    Check("lead", "draft_results", "/council/assessments/{leeds_nps}/results"),
    Check("lead", "history", "/council/assessments/{leeds_nps}/history"),
    Check("lead", "team", "/council/team"),
    Check("lead", "council_invite", "/council/team/invite"),
    Check("lead", "council_invite_error", "/council/team/invite", "Send invitation"),
    Check("lead", "account", "/account"),
    Check("lead", "change_password", "/account/change-password"),
    Check("lead", "change_password_error", "/account/change-password", "Save password"),
    Check("lead", "two_factor_email", "/account/two-factor/email"),
    Check("lead", "two_factor_email_error", "/account/two-factor/email", "Continue"),
    Check("lead", "two_factor_authenticator", "/account/two-factor/authenticator"),
    Check("lead", "api_tokens", "/account/api-tokens"),
    Check("lead", "exports_council", "/exports"),
    Check("lead", "blank_framework", "/frameworks/{nps_version}"),
    Check("lead", "forbidden_lga_page", "/lga/rounds", status=403),
    Check("lead", "not_found_other_council", "/council/assessments/{kent_nps}", status=404),
    # Council officer
    Check("officer", "council_home_officer", "/"),
    Check("officer", "task_list_officer", "/council/assessments/{leeds_nps}"),
    Check("officer", "check_answers_officer", "/council/assessments/{leeds_cyber}/check-answers"),
    Check("officer", "forbidden_team", "/council/team", status=403),
    # Other councils: each status of the journey
    Check("lead_camden", "question_page_maturity_error",
          "/council/assessments/{camden_nps}/pages/{nps_page}", "Save and continue"),
    Check("lead_camden", "question_page_questionnaire_error",
          "/council/assessments/{camden_cyber}/pages/{cyber_page}", "Save and continue"),
    Check("lead_camden", "check_answers_not_started",
          "/council/assessments/{camden_nps}/check-answers"),
    Check("lead_cornwall", "task_list_returned", "/council/assessments/{cornwall_nps}"),
    Check("lead_cornwall", "declaration", "/council/assessments/{cornwall_nps}/submit"),
    Check("lead_cornwall", "declaration_error", "/council/assessments/{cornwall_nps}/submit",
          "Submit assessment"),
    Check("lead_kent", "confirmation", "/council/assessments/{kent_nps}/submitted"),
    Check("lead_kent", "results_maturity", "/council/assessments/{kent_nps}/results"),
    Check("lead_kent", "results_questionnaire", "/council/assessments/{kent_cyber}/results"),
    Check("lead_kent", "answers_submitted", "/council/assessments/{kent_nps}/check-answers"),
    Check("lead_midsuffolk", "results_accepted", "/council/assessments/{midsuffolk_cyber}/results"),
    # LGA admin
    Check("lga_admin", "lga_home", "/"),
    Check("lga_admin", "rounds", "/lga/rounds"),
    Check("lga_admin", "round_detail", "/lga/rounds/{nps_round}"),
    Check("lga_admin", "new_round", "/lga/rounds/new"),
    Check("lga_admin", "new_round_error", "/lga/rounds/new", "Open round"),
    Check("lga_admin", "extend_deadline", "/lga/rounds/{nps_round}/deadline"),
    Check("lga_admin", "extend_deadline_error", "/lga/rounds/{nps_round}/deadline",
          "Extend deadline"),
    Check("lga_admin", "review_submitted", "/lga/assessments/{kent_nps}"),
    Check("lga_admin", "review_questionnaire", "/lga/assessments/{kent_cyber}"),
    Check("lga_admin", "return", "/lga/assessments/{kent_nps}/return"),
    Check("lga_admin", "return_error", "/lga/assessments/{kent_nps}/return", "Return assessment"),
    Check("lga_admin", "lga_history", "/lga/assessments/{kent_nps}/history"),
    Check("lga_admin", "overview", "/lga/rounds/{nps_round}/overview"),
    Check("lga_admin", "council_list", "/lga/rounds/{nps_round}/councils"),
    Check("lga_admin", "chase", "/lga/rounds/{cyber_round}/chase"),
    Check("lga_admin", "chase_error", "/lga/rounds/{cyber_round}/chase",
          "Send reminders to selected councils"),
    Check("lga_admin", "lga_results_index", "/lga/results"),
    Check("lga_admin", "lga_results_maturity", "/lga/rounds/{nps_round}/results"),
    Check("lga_admin", "lga_results_questionnaire", "/lga/rounds/{cyber_round}/results"),
    Check("lga_admin", "lga_results_closed_round", "/lga/rounds/{nps_old_round}/results"),
    Check("lga_admin", "critical_gaps", "/lga/rounds/{cyber_round}/critical-gaps"),
    Check("lga_admin", "exports", "/exports"),
    Check("lga_admin", "programme", "/programme/"),
    Check("lga_admin", "board_report", "/programme/board-report"),
    Check("lga_admin", "deliverable", "/programme/deliverables/{deliverable}"),
    Check("lga_admin", "new_deliverable", "/programme/deliverables/new"),
    Check("lga_admin", "new_deliverable_error", "/programme/deliverables/new",
          "Save deliverable"),
    Check("lga_admin", "add_update_error", "/programme/deliverables/{deliverable}/updates/new",
          "Add update"),
    Check("lga_admin", "add_measure_error", "/programme/deliverables/{deliverable}/measures/new",
          "Add measure"),
    Check("lga_admin", "users", "/admin/users"),
    Check("lga_admin", "user", "/admin/users/{leeds_lead_user}"),
    Check("lga_admin", "admin_invite", "/admin/users/invite"),
    Check("lga_admin", "admin_invite_error", "/admin/users/invite", "Send invitation"),
    Check("lga_admin", "needs_attention", "/admin/needs-attention"),
    Check("lga_admin", "security_events", "/admin/security-events"),
    Check("lga_admin", "frameworks_admin", "/admin/frameworks"),
    Check("lga_admin", "frameworks_upload_error", "/admin/frameworks", "Check and load"),
    Check("lga_admin", "account_lga", "/account"),
    Check("lga_admin", "not_found", "/lga/rounds/999999", status=404),
    # LGA analyst: reads everything, changes nothing
    Check("lga_analyst", "analyst_home", "/"),
    Check("lga_analyst", "analyst_round", "/lga/rounds/{cyber_round}"),
    Check("lga_analyst", "analyst_review", "/lga/assessments/{kent_cyber}"),
    Check("lga_analyst", "analyst_results", "/lga/rounds/{cyber_round}/results"),
    Check("lga_analyst", "analyst_chase", "/lga/rounds/{nps_round}/chase"),
    Check("lga_analyst", "analyst_programme", "/programme/"),
    Check("lga_analyst", "analyst_exports", "/exports"),
    Check("lga_analyst", "forbidden_users", "/admin/users", status=403),
]

@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_page_is_accessible(check: Check, demo_ids: dict[str, Any], page: Any,
                            as_user: Any) -> None:
    if check.role is not None:
        page = as_user(EMAILS[check.role])
    response = page.goto(check.path.format(**demo_ids))
    assert response.status == check.status, f"{check.path}: {response.status}"
    if check.submit:
        page.get_by_role("button", name=check.submit, exact=True).click()
        page.wait_for_load_state()
        assert page.title().startswith("Error:"), page.title()
        assert page.locator(".govuk-error-summary").count() == 1
    assert page.locator("h1").count() == 1
    assert page.title().strip()
    if "results" in check.name and not check.name.endswith("index"):
        assert page.locator("svg[role=img], figure.app-chart").count() > 0, "no charts"
    screenshot(page, f"a11y_{check.name}")
    assert_accessible(page, check.name)


def _check_error_state(page: Any, button: str, name: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    assert page.title().startswith("Error:"), page.title()
    screenshot(page, f"a11y_{name}")
    assert_accessible(page, name)


def test_emailed_link_pages_are_accessible(page: Any, as_user: Any,
                                           live_server: LiveServer) -> None:
    """The invitation and password-reset pages, reached from the links in the emails."""
    admin = as_user(EMAILS["lga_admin"])
    admin.goto("/admin/users/invite")
    admin.get_by_label("Full name").fill("Rhea Analyst")
    admin.get_by_label("Email address").fill("rhea@lga.example")
    admin.get_by_label("LGA analyst").check()
    admin.get_by_role("button", name="Send invitation").click()
    page.goto(live_server.outbox_links("rhea@lga.example")[-1])
    assert page.locator("h1").inner_text() == "Create your password"
    assert_accessible(page, "invitation")
    _check_error_state(page, "Create account", "invitation_error")

    page.goto("/forgot-password")
    page.get_by_label("Email address").fill("officer@kent.example")
    page.get_by_role("button", name="Send reset link").click()
    assert_accessible(page, "reset_sent")
    page.goto([u for u in live_server.outbox_links("officer@kent.example")
               if "/reset-password/" in u][-1])
    assert_accessible(page, "reset_password")
    _check_error_state(page, "Save password", "reset_password_error")


def test_the_axe_check_fails_on_a_serious_violation(page: Any) -> None:
    """Guards the checks above: an unlabelled input and an image without alternative text."""
    page.set_content('<!doctype html><html lang="en"><head><title>Broken</title></head><body>'
                     '<main><h1>Broken</h1><img src="x.png"><input type="text"></main></body>'
                     '</html>')
    found = {v["id"] for v in axe_violations(page, None)}
    assert {"image-alt", "label"} <= found


def test_the_statement_gives_the_standard_how_we_tested_and_known_issues(page: Any) -> None:
    page.goto("/accessibility")
    text = page.locator("main").inner_text()
    assert "WCAG) version 2.2 to level AA" in text
    for heading in ("How accessible this service is", "How we tested this service",
                    "What we are doing to improve accessibility"):
        assert page.get_by_role("heading", name=heading).count() == 1
    assert "axe-core" in text and "keyboard" in text and "JavaScript turned off" in text
