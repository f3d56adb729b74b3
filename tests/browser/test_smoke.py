"""First look in a real browser: public pages and each role's home, accessible and styled."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, screenshot, sign_in

DEMO_USERS = {
    "lga_admin": "admin@lga.example",
    "lga_analyst": "analyst@lga.example",
    "council_lead": "lead@leeds.example",
    "council_officer": "officer@leeds.example",
}


@pytest.mark.parametrize("path", ["/", "/sign-in", "/accessibility", "/cookies", "/privacy",
                                  "/forgot-password", "/no-such-page"])
def test_public_pages_are_accessible(page: Any, path: str) -> None:
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert_accessible(page, "public" + path.replace("/", "_"))


def test_sign_in_errors_are_accessible_and_summarised(page: Any) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert_accessible(page, "sign_in_errors")


@pytest.mark.parametrize("role", sorted(DEMO_USERS))
def test_each_role_signs_in_to_an_accessible_home(page: Any, role: str) -> None:
    sign_in(page, DEMO_USERS[role])
    assert page.url.endswith("/")
    assert "Sign out" in page.locator("header, .govuk-service-navigation").first.inner_text() \
        or page.get_by_role("button", name="Sign out").count() == 1
    screenshot(page, f"home_{role}")
    assert_accessible(page, f"home_{role}")


def test_styles_load_under_the_content_security_policy(page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/sign-in")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "arial" in font.lower() and "GDS Transport" not in font
    assert not [e for e in errors if "Content Security Policy" in e], errors
