"""Zoom and small screens: at 320 CSS pixels wide (a 1280px screen at 400%) key pages do not
scroll sideways; wide tables scroll inside their own container instead."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import EMAILS, assert_no_horizontal_scroll, screenshot

SMALL = {"viewport": {"width": 320, "height": 640}}

PAGES = [
    (None, "/"),
    (None, "/sign-in"),
    (None, "/accessibility"),
    ("lead", "/"),
    ("lead", "/council/assessments"),
    ("lead", "/council/assessments/{leeds_nps}"),
    ("lead", "/council/assessments/{leeds_nps}/pages/{nps_page}"),
    ("lead", "/council/assessments/{leeds_cyber}/pages/{cyber_page}"),
    ("lead", "/council/assessments/{leeds_nps}/check-answers"),
    ("lead", "/council/team"),
    ("lead_cornwall", "/council/assessments/{cornwall_nps}/submit"),
    ("lead_kent", "/council/assessments/{kent_nps}/results"),
    ("lead_kent", "/council/assessments/{kent_cyber}/results"),
    ("lga_admin", "/lga/rounds"),
    ("lga_admin", "/lga/rounds/{nps_round}"),
    ("lga_admin", "/lga/rounds/{nps_round}/overview"),
    ("lga_admin", "/lga/rounds/{nps_round}/results"),
    ("lga_admin", "/lga/rounds/{cyber_round}/results"),
    ("lga_admin", "/lga/assessments/{kent_nps}"),
    ("lga_admin", "/programme/"),
    ("lga_admin", "/exports"),
    ("lga_admin", "/admin/users"),
]


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[f"{r}:{p}" for r, p in PAGES])
def test_no_sideways_scrolling_at_320px(role: str | None, path: str, browser: Any,
                                        live_server: Any, as_user: Any,
                                        demo_ids: dict[str, Any]) -> None:
    if role is None:
        context = browser.new_context(base_url=live_server.url, **SMALL)
        page = context.new_page()
    else:
        page = as_user(EMAILS[role], **SMALL)
    page.goto(path.format(**demo_ids))
    name = f"320px_{role}_{path}".replace("/", "_").replace("{", "").replace("}", "")
    screenshot(page, name)
    assert_no_horizontal_scroll(page)
    if role is None:
        context.close()
