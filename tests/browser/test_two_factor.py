"""Two-factor sign-in with emailed codes, the second step done as a person would: the code is read
from the email in the outbox.

The live server turns the two-factor requirement off so other tests sign in in one step; an
account that has chosen emailed codes needs the second step whatever that setting says.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DEMO_PASSWORD, LiveServer, assert_accessible, screenshot, sign_in

EMAIL = "two.factor@kent.example"


def test_sign_in_with_an_emailed_security_code(page: Any, live_server: LiveServer) -> None:
    live_server.create_user(EMAIL, "Tess Factor", "council_officer", "E10000016")
    sign_in(page, EMAIL)
    assert page.url.endswith("/")

    # Choose emailed codes from the account page; recovery codes are shown once.
    page.goto("/account")
    assert_accessible(page, "account_two_factor_off")
    page.goto("/account/two-factor/email")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert "Two-factor sign-in is set up" in page.locator("h1").inner_text()
    assert page.locator(".app-recovery-codes li").count() == 10
    assert_accessible(page, "recovery_codes")
    page.get_by_role("button", name="Sign out").click()

    # Now signing in takes two steps.
    sign_in(page, EMAIL)
    assert page.url.endswith("/sign-in/security-code")
    assert "Check your email" in page.locator("h1").inner_text()
    assert_accessible(page, "security_code")
    page.get_by_role("link", name="Use a recovery code instead").click()
    assert_accessible(page, "recovery_code")
    page.go_back()

    page.get_by_role("button", name="Continue").click()  # empty: the error state
    assert page.title().startswith("Error:")
    assert_accessible(page, "security_code_error")
    code = live_server.security_code(EMAIL)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_label("Security code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    assert "Enter a correct security code" in page.locator(".govuk-error-summary").inner_text()
    screenshot(page, "security_code_error")

    page.get_by_label("Security code").fill(live_server.security_code(EMAIL))
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/"), page.url
    assert "Sign out" in page.locator("header").inner_text()
