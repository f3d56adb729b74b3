"""No JavaScript: the same council journey, from sign-in to submit, with JavaScript turned off.

axe-core cannot run without JavaScript; the same pages are checked with it in test_accessibility.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer, screenshot, sign_in
from tests.browser.journey import NPS_PAGES, dedicated_assessment, fill_pages, submit

GSS = "E06000002"  # Middlesbrough: no demo people
EMAIL = "lead@middlesbrough.example"
TITLE = "NPS self-assessment: no-JavaScript journey"


def test_journey_without_javascript(browser: Any, live_server: LiveServer) -> None:
    assessment_id = dedicated_assessment(live_server, GSS, EMAIL, "Ali Shah", TITLE)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, EMAIL)
        # GOV.UK Frontend marks the body when its JavaScript runs: here it must not have.
        assert page.locator("body.govuk-frontend-supported").count() == 0
        page.goto(f"/council/assessments/{assessment_id}")
        page.get_by_role("link", name="Showing leadership", exact=True).click()
        page.get_by_role("button", name="Save and continue").click()  # errors work server-side
        assert page.title().startswith("Error:")
        assert "Select the current stage" in page.locator(".govuk-error-summary").inner_text()
        page.locator(".govuk-details__summary").click()  # <details> needs no script
        assert page.locator("details[open]").count() == 1
        fill_pages(page, NPS_PAGES)
        assert page.url.endswith(f"/council/assessments/{assessment_id}")
        assert "Every required question is answered" in page.content()
        reference = submit(page, assessment_id)
        assert reference.startswith("NPS-")
        page.get_by_role("link", name="View your results").click()
        assert page.locator("svg[role=img]").count() > 0  # charts are drawn on the server
        screenshot(page, "nojs_results")
    finally:
        context.close()
