"""Browser suite: Playwright driving Debian's Chromium against the app under gunicorn.

The server runs in its own processes on a throwaway database loaded with the demo data set, so
pages are exercised as a person would meet them. Skips when Chromium is absent, except under
`.ci/run` (PRODMATURITY_REQUIRE_BROWSER=1), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
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

    def python(self, code: str) -> str:
        """Run ``code`` inside the app's context against the live database; return its stdout."""
        script = "from wsgi import app\nwith app.app_context():\n" + "".join(
            f"    {line}\n" for line in code.strip().splitlines())
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, check=False)
        if result.returncode:
            raise RuntimeError(result.stderr)
        return result.stdout

    def emails(self, to: str) -> list[tuple[str, str]]:
        """(subject, plain body) of each email sent to ``to``, oldest first (the .eml outbox)."""
        from email import policy
        from email.parser import BytesParser

        found = []
        for path in sorted(self.outbox.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if message["To"].lower() == to.lower():
                body = message.get_body(preferencelist=("plain",)).get_content()
                found.append((str(message["Subject"]), body))
        return found

    def outbox_links(self, to: str) -> list[str]:
        """Links in emails sent to ``to``, oldest first."""
        return [w for _subject, body in self.emails(to) for w in body.split()
                if w.startswith(self.url)]

    def security_code(self, to: str) -> str:
        """The 6-digit code in the latest email sent to ``to`` that has one."""
        for _subject, body in reversed(self.emails(to)):
            codes = re.findall(r"^\s*(\d{6})\s*$", body, flags=re.MULTILINE)
            if codes:
                return codes[-1]
        raise AssertionError(f"No security code has been emailed to {to}")

    def create_round(self, slug: str, title: str, gss_codes: list[str]) -> int:
        """Open a round of the newest version of framework ``slug`` today, for these councils."""
        return int(self.python(f"""
import sqlalchemy as sa
from datetime import timedelta
from prodmaturity.assessments.rounds import create_round
from prodmaturity.extensions import db
from prodmaturity.models import Council, FrameworkVersion, User
from prodmaturity.timeutil import today
version = db.session.scalars(sa.select(FrameworkVersion).where(
    FrameworkVersion.slug == {slug!r}).order_by(FrameworkVersion.id.desc())).first()
admin = db.session.scalar(sa.select(User).where(User.email == "admin@lga.example"))
councils = list(db.session.scalars(sa.select(Council).where(Council.gss_code.in_({gss_codes!r}))))
created = create_round(version, title={title!r}, opens_on=today(),
                       closes_on=today() + timedelta(days=30), actor=admin, councils=councils)
print(created.id)
"""))

    def create_user(self, email: str, name: str, role: str, gss_code: str | None = None,
                    password: str = DEMO_PASSWORD) -> None:
        council = ["--council", gss_code] if gss_code else []
        self.flask("users", "create", "--email", email, "--name", name, "--role", role,
                   *council, "--password-stdin", input_text=password + "\n")

    def assessment_id(self, round_title: str, gss_code: str) -> int:
        return int(self.python(f"""
import sqlalchemy as sa
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, Council, Round
print(db.session.scalar(sa.select(Assessment.id).join(Round, Assessment.round_id == Round.id)
      .join(Council, Assessment.council_id == Council.id)
      .where(Round.title == {round_title!r}, Council.gss_code == {gss_code!r})))
"""))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_browser()
    shutil.rmtree(REPORTS, ignore_errors=True)  # the reports describe this run only
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
        # Sign-in is one step here so every test is not about two-factor; the one test that is
        # (test_two_factor.py) chooses emailed codes for its account, which makes them needed.
        "PRODMATURITY_TWO_FACTOR_REQUIRED_LGA": "false",
        "PRODMATURITY_TWO_FACTOR_REQUIRED_COUNCIL": "false",
        "PYTHONUNBUFFERED": "1",
    }
    server = LiveServer(url=url, outbox=tmp / "outbox", env=env)
    server.flask("db", "upgrade")
    server.flask("demo", "--password", DEMO_PASSWORD)
    log = (tmp / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b",
         f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"],
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


def axe_violations(page: Any, name: str | None) -> list[dict[str, Any]]:
    """Run axe-core on the page; write the report (unless ``name`` is None); return serious and
    critical violations. Every violation, whatever its impact, is in the report."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    if name is not None:
        REPORTS.mkdir(exist_ok=True)
        (REPORTS / f"{name}.json").write_text(json.dumps(
            {"url": page.url, "violations": violations}, indent=2))
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Sum up this run's axe reports in reports/summary.txt: rule, impact, pages."""
    reports = sorted(REPORTS.glob("*.json")) if REPORTS.exists() else []
    if not reports:
        return
    found: dict[tuple[str, str, str], list[str]] = {}
    for path in reports:
        for v in json.loads(path.read_text())["violations"]:
            found.setdefault((v["impact"] or "", v["id"], v["help"]), []).append(path.stem)
    lines = [f"axe-core {AXE_OPTIONS['runOnly']['values']}: {len(reports)} pages checked"]
    lines += [f"{impact}: {rule} ({help_}) on {len(pages)} pages: {', '.join(pages)}"
              for (impact, rule, help_), pages in sorted(found.items())] or ["no violations"]
    (REPORTS / "summary.txt").write_text("\n".join(lines) + "\n")


def assert_accessible(page: Any, name: str) -> None:
    serious = axe_violations(page, name)
    summary = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
               for v in serious]
    assert not serious, f"{name}: axe found serious/critical violations:\n" + "\n".join(summary)


# Keyboard and layout checks ---------------------------------------------------------------------

# True when the focused element shows a focus indicator: a visible (not transparent) outline, a
# box-shadow (the GOV.UK focus ring), or the GOV.UK focus yellow (#ffdd00) behind it. GOV.UK radios
# and checkboxes hide the input itself and draw the focus ring on the label's ::before.
FOCUS_VISIBLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const shows = (s) => {
    const transparent = s.outlineColor === "transparent" || /rgba\\(.*, 0\\)$/.test(s.outlineColor);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && !transparent;
    const shadow = s.boxShadow && s.boxShadow !== "none";
    return outline || shadow || s.backgroundColor === "rgb(255, 221, 0)";
  };
  if (el.matches("input[type=radio], input[type=checkbox]") && el.labels.length) {
    return shows(getComputedStyle(el.labels[0], "::before"));
  }
  return shows(getComputedStyle(el));
}"""

FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el) return "";
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return [el.tagName, el.getAttribute("type") || "", el.getAttribute("name") || "",
          el.getAttribute("value") || "", (el.innerText || label || "").trim()].join("|");
}"""


def focused(page: Any) -> str:
    """The focused element as "TAG|type|name|value|text" (text: its own, or its label's)."""
    return str(page.evaluate(FOCUSED_JS))


def assert_focus_visible(page: Any) -> None:
    assert page.evaluate(FOCUS_VISIBLE_JS), f"No visible focus on {focused(page)} at {page.url}"


def tab_to(page: Any, want: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focused element's description contains ``want``,
    checking that every element passed through shows a visible focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if want in focused(page):
            return
    raise AssertionError(f"Tabbing never reached {want!r} on {page.url}")


def assert_no_horizontal_scroll(page: Any, width: int = 320) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width}px: {scroll}px wide"


# Signed-in contexts ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def signed_in_state(browser: Any, live_server: LiveServer,
                    tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``signed_in_state(email)``: a storage-state file for that user, signed in once a session."""
    states: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("states")

    def state(email: str) -> str:
        if email not in states:
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            sign_in(page, email)
            assert "/sign-in" not in page.url, f"{email} could not sign in"
            path = folder / f"{email}.json"
            context.storage_state(path=str(path))
            context.close()
            states[email] = str(path)
        return states[email]

    return state


@pytest.fixture
def as_user(browser: Any, live_server: LiveServer, signed_in_state: Any) -> Iterator[Any]:
    """``as_user(email, **context_options)``: a new page in a context signed in as that user."""
    contexts: list[Any] = []

    def open_page(email: str, **options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url,
                                      storage_state=signed_in_state(email), **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# The demo data set ----------------------------------------------------------------------

EMAILS = {
    "lga_admin": "admin@lga.example",
    "lga_analyst": "analyst@lga.example",
    "lead": "lead@leeds.example",  # open rounds in progress
    "officer": "officer@leeds.example",
    "lead_kent": "lead@kent.example",  # submitted
    "lead_camden": "lead@camden.example",  # not started
    "lead_cornwall": "lead@cornwall.example",  # returned
    "lead_midsuffolk": "lead@midsuffolk.example",  # accepted
}
COUNCILS = {"leeds": "E08000035", "kent": "E10000016", "camden": "E09000007",
            "cornwall": "E06000052", "midsuffolk": "E07000203"}


DEMO_IDS = """
import json
import sqlalchemy as sa
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, Council, Round, User
from prodmaturity.models.programme import Deliverable
out = {}
for r in db.session.scalars(sa.select(Round).where(Round.created_by_id.is_(None))):
    kind = "nps" if r.slug.startswith("nps") else "cyber"
    old = r.opens_on.year == 2018
    out[f"{kind}_old_round" if old else f"{kind}_round"] = r.id
    out[f"{kind}_version"] = r.framework_version_id
    if old:
        continue
    framework = r.framework_version.framework
    if kind == "nps":
        out["nps_page"] = framework.sections[0].items[0].key
        out["nps_section"] = framework.sections[0].key
    else:
        out["cyber_page"] = framework.sections[0].key
    for name, code in COUNCILS.items():
        out[f"{name}_{kind}"] = db.session.scalar(
            sa.select(Assessment.id).join(Council, Assessment.council_id == Council.id)
            .where(Assessment.round_id == r.id, Council.gss_code == code))
out["deliverable"] = db.session.scalar(sa.select(sa.func.min(Deliverable.id)))
out["leeds_lead_user"] = db.session.scalar(
    sa.select(User.id).where(User.email == "lead@leeds.example"))
print(json.dumps(out))
"""


@pytest.fixture(scope="session")
def demo_ids(live_server: LiveServer) -> dict[str, Any]:
    """Ids of the demo rounds, assessments and records the page checks open."""
    return dict(json.loads(live_server.python(f"COUNCILS = {COUNCILS!r}\n" + DEMO_IDS)))
