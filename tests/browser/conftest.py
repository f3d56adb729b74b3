"""Browser suite: Playwright driving Debian's Chromium against the app under gunicorn.

The server runs in its own processes on a throwaway database loaded with the demo data set, so
pages are exercised as a person would meet them. Skips when Chromium is absent, except under
`.ci/run` (PRODMATURITY_REQUIRE_BROWSER=1), where that is a failure.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.services import fresh_postgres_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DEMO_PASSWORD = "browser suite demo password"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
REPORTS = Path(__file__).parent / "reports"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("PRODMATURITY_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " — PRODMATURITY_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    outbox: Path
    env: dict[str, str]

    def flask(self, *args: str, input_text: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, input=input_text, capture_output=True, text=True, check=True,
        )
        return result.stdout

    def outbox_links(self, to: str) -> list[str]:
        """Links in emails sent to ``to``, oldest first (read from the .eml outbox)."""
        from email import policy
        from email.parser import BytesParser

        links = []
        for path in sorted(self.outbox.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if message["To"].lower() != to.lower():
                continue
            body = message.get_body(preferencelist=("plain",)).get_content()
            links += [w for w in body.split() if w.startswith(self.url)]
        return links


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_browser()
    tmp = tmp_path_factory.mktemp("live")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgres"):
        database = fresh_postgres_database(database, "prodmaturity_browser")
    else:
        database = f"sqlite:///{tmp / 'browser.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "browser-suite-secret-key-0123456789abcdef",
        "PRODMATURITY_MAIL_OUTBOX_DIR": str(tmp / "outbox"),
        "PRODMATURITY_SERVICE_URL": url,
        "PRODMATURITY_RATELIMIT_SIGN_IN": '"1000 per minute"',
        "PYTHONUNBUFFERED": "1",
    }
    server = LiveServer(url=url, outbox=tmp / "outbox", env=env)
    server.flask("db", "upgrade")
    server.flask("demo", "--password", DEMO_PASSWORD)
    log = (tmp / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b",
         f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(url + "/healthz", process)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within 60 s")


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# WCAG 2.2 A/AA rules (and the best-practice rules axe tags with them).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def axe_violations(page: Any, name: str) -> list[dict[str, Any]]:
    """Run axe-core on the page; write the report; return serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(violations, indent=2))
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def assert_accessible(page: Any, name: str) -> None:
    serious = axe_violations(page, name)
    summary = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
               for v in serious]
    assert not serious, f"{name}: axe found serious/critical violations:\n" + "\n".join(summary)
