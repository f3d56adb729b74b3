"""Steps of the council and LGA journeys, done with the mouse as a person would (see also
test_keyboard.py, which does them with the keyboard alone)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.browser.conftest import DEMO_PASSWORD, LiveServer

NPS_PAGES = 14  # one page per key area and enabler


def open_round(page: Any, title: str, gss_code: str) -> int:
    """As an LGA admin: open a National Procurement Strategy round today for one council."""
    page.goto("/lga/rounds")
    page.get_by_role("link", name="Open a new round").click()
    framework = page.get_by_label("Framework")
    nps = [o for o in framework.locator("option").all_inner_texts() if "Procurement" in o]
    framework.select_option(label=nps[0])
    page.get_by_label("Title").fill(title)
    for legend, day in (("Opening date", date.today()),
                        ("Closing date", date.today() + timedelta(days=30))):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Only the councils listed below").check()
    page.get_by_label("Councils taking part").fill(gss_code)
    page.get_by_role("button", name="Open round").click()
    assert f"{title} opened for councils" in page.locator(".govuk-notification-banner").inner_text()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def accept_invitation(page: Any, server: LiveServer, email: str) -> None:
    """Follow the latest emailed invitation link and choose a password."""
    link = [u for u in server.outbox_links(email) if "/invitations/" in u][-1]
    page.goto(link)
    page.get_by_label("Create a password").fill(DEMO_PASSWORD)
    page.get_by_label("Confirm password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert "Your account is ready" in page.locator(".govuk-notification-banner").inner_text()


def open_assessment(page: Any, round_title: str) -> int:
    page.goto("/council/assessments")
    page.get_by_role("link", name=round_title).click()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def answer_stages(page: Any, current: int, target: int) -> None:
    page.locator(f"input[name$='-current'][value='{current}']").check()
    page.locator(f"input[name$='-target'][value='{target}']").check()


def fill_pages(page: Any, count: int, current: int = 3, target: int = 4) -> None:
    """From the page shown: answer it and the next ``count - 1`` pages, saving each."""
    for _ in range(count):
        answer_stages(page, current, target)
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 0, page.url


def submit(page: Any, assessment_id: int, name: str = "Sarah Thompson",
           role: str = "Director of Resources") -> str:
    """As the lead: check answers, sign the declaration, submit; returns the reference."""
    page.goto(f"/council/assessments/{assessment_id}")
    page.get_by_role("link", name="Check your answers").click()
    page.get_by_role("link", name="Continue to declaration").click()
    page.get_by_label("I confirm that these answers are accurate").check()
    page.get_by_label("Name of the senior officer who signed this off").fill(name)
    page.get_by_label("Their role").fill(role)
    page.get_by_role("button", name="Submit assessment").click()
    panel = page.locator(".govuk-panel")
    assert "Assessment submitted" in panel.inner_text()
    assert "<" not in panel.inner_text()  # markup is rendered, never shown as text
    return panel.locator("strong").inner_text().strip()


def dedicated_assessment(server: LiveServer, gss_code: str, email: str, name: str,
                         title: str) -> int:
    """A council lead account and a National Procurement Strategy round for just their council,
    made from the command line so a journey test starts from the same place every time."""
    server.create_user(email, name, "council_lead", gss_code)
    server.create_round("nps-2018", title, [gss_code])
    return server.assessment_id(title, gss_code)
