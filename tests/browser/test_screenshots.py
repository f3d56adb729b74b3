"""Screenshots of the main pages, at a laptop's size, for people reviewing a change.

They go to tests/browser/screenshots/ (git-ignored). With PRODMATURITY_UPDATE_DOCS_SCREENSHOTS=1
they are also copied to docs/screenshots/, where the README shows them; commit those by hand.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import EMAILS, ROOT, SCREENSHOTS

DOCS = ROOT / "docs" / "screenshots"
LAPTOP = {"viewport": {"width": 1280, "height": 900}}

MAIN_PAGES = [
    ("home", None, "/"),
    ("council_home", "lead", "/"),
    ("task_list", "lead", "/council/assessments/{leeds_nps}"),
    ("question_page", "lead", "/council/assessments/{leeds_nps}/pages/{nps_page}"),
    ("results", "lead_kent", "/council/assessments/{kent_nps}/results"),
    ("lga_results", "lga_admin", "/lga/rounds/{nps_round}/results"),
    ("lga_overview", "lga_admin", "/lga/rounds/{nps_round}/overview"),
    ("programme", "lga_admin", "/programme/"),
]
IN_README = {"home", "task_list", "question_page", "results", "lga_results"}


@pytest.mark.parametrize(("name", "role", "path"), MAIN_PAGES, ids=[p[0] for p in MAIN_PAGES])
def test_screenshot_of_main_page(name: str, role: str | None, path: str, browser: Any,
                                 live_server: Any, as_user: Any,
                                 demo_ids: dict[str, Any]) -> None:
    if role is None:
        page = browser.new_context(base_url=live_server.url, **LAPTOP).new_page()
    else:
        page = as_user(EMAILS[role], **LAPTOP)
    page.goto(path.format(**demo_ids))
    SCREENSHOTS.mkdir(exist_ok=True)
    target = SCREENSHOTS / f"main_{name}.png"
    if name.endswith("results"):  # show the first chart rather than the filters above it
        page.locator("svg[role=img]").first.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(target))  # one screenful, as a person sees it
    assert target.stat().st_size > 10_000
    if role is None:
        page.context.close()
    if name in IN_README and os.environ.get("PRODMATURITY_UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / f"{name}.png")


def test_readme_screenshots_are_committed() -> None:
    missing = [n for n in sorted(IN_README) if not (DOCS / f"{n}.png").exists()]
    assert not missing, f"Run with PRODMATURITY_UPDATE_DOCS_SCREENSHOTS=1 to make {missing}"
    assert all(Path(ROOT / "README.md").read_text().count(f"docs/screenshots/{n}.png")
               for n in IN_README)
