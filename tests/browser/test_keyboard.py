"""Keyboard only: a council lead signs in, fills in every page and submits with Tab, Shift+Tab,
Space, the arrow keys and Enter, and every element they pass through shows a visible focus."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import (
    DEMO_PASSWORD,
    FOCUS_VISIBLE_JS,
    LiveServer,
    assert_focus_visible,
    tab_to,
)
from tests.browser.journey import NPS_PAGES, dedicated_assessment

GSS = "E06000001"  # Hartlepool: no demo people
EMAIL = "lead@hartlepool.example"
TITLE = "NPS self-assessment: keyboard journey"


def press_and_wait(page: Any, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def choose_stage(page: Any, field: str, stage: int) -> None:
    """Tab into a radio group (its first radio takes focus), then arrow down to the stage."""
    tab_to(page, f"-{field}|")
    page.keyboard.press("Space")
    for _ in range(stage - 1):
        page.keyboard.press("ArrowDown")
    assert_focus_visible(page)
    assert page.locator(f"input[name$='-{field}']:checked").get_attribute("value") == str(stage)


def test_keyboard_only_journey_from_sign_in_to_submit(page: Any, live_server: LiveServer) -> None:
    assessment_id = dedicated_assessment(live_server, GSS, EMAIL, "Kim Doyle", TITLE)
    page.goto("/sign-in")
    tab_to(page, "Skip to main content")
    tab_to(page, "|email|")
    page.keyboard.type(EMAIL)
    tab_to(page, "|password|")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(page, "Enter")
    assert page.url.endswith("/"), page.url

    tab_to(page, TITLE)
    press_and_wait(page, "Enter")
    assert page.url.endswith(f"/council/assessments/{assessment_id}")
    tab_to(page, "Showing leadership")
    press_and_wait(page, "Enter")
    for number in range(1, NPS_PAGES + 1):
        assert f"{number} of {NPS_PAGES}" in page.locator(".govuk-caption-l").inner_text()
        tab_to(page, "What it is and why it matters")  # the details open and close by keyboard
        page.keyboard.press("Enter")
        assert page.locator("details[open]").count() == 1
        page.keyboard.press("Enter")
        choose_stage(page, "current", 3)
        choose_stage(page, "target", 4)
        tab_to(page, "Save and continue")
        press_and_wait(page, "Enter")
        assert page.locator(".govuk-error-summary").count() == 0, page.url

    assert page.url.endswith(f"/council/assessments/{assessment_id}")
    tab_to(page, "Check your answers")
    press_and_wait(page, "Enter")
    tab_to(page, "Continue to declaration")
    press_and_wait(page, "Enter")

    tab_to(page, "|confirm|")
    page.keyboard.press("Space")
    tab_to(page, "|sign_off_name|")
    page.keyboard.type("Sarah Thomson")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "sign_off_role"
    page.keyboard.type("Director of Resources")
    tab_to(page, "|sign_off_name|", backwards=True)  # back to correct a typo
    page.keyboard.press("Control+A")
    page.keyboard.type("Sarah Thompson")
    tab_to(page, "Submit assessment")
    press_and_wait(page, "Enter")
    panel = page.locator(".govuk-panel")
    assert "Assessment submitted" in panel.inner_text()
    assert "Signed off by Sarah Thompson, Director of Resources" in page.content()


def test_the_focus_check_notices_a_missing_focus_indicator(browser: Any,
                                                          live_server: LiveServer) -> None:
    """Guards the check above: with focus styles taken away it must say "not visible"."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").focus()
    assert page.evaluate(FOCUS_VISIBLE_JS)
    page.add_style_tag(content="*:focus, *:focus::before, *:focus + label::before { "
                               "outline: none !important; box-shadow: none !important; "
                               "background: none !important; }")
    assert not page.evaluate(FOCUS_VISIBLE_JS)
    context.close()
