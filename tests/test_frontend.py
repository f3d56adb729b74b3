"""Front end: page template, navigation, error pages, footer pages and template helpers."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, abort, flash, render_template_string, request
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests
from wtforms import StringField
from wtforms.validators import InputRequired

from prodmaturity.frontend import days_left, format_date, format_datetime, format_time
from prodmaturity.navigation import SECTIONS, nav_items
from prodmaturity.permissions import Permission, Role, public, role_can

ROOT = Path(__file__).resolve().parent.parent


class PageParser(HTMLParser):
    """Collects what the page-level checks need: ids, <title>, <h1>, links, lang."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.html_lang: str | None = None
        self.title = ""
        self.h1 = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(str(attributes["href"]))
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def check_page(html: str) -> PageParser:
    """What every HTML page must have, whatever it shows."""
    page = parse(html)
    assert page.html_lang == "en"
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert 'class="govuk-skip-link"' in html and 'href="#main-content"' in html
    assert 'id="main-content"' in html
    assert "crown" not in html.lower()
    assert "GDS Transport" not in html
    assert 'style="' not in html  # the CSP forbids inline styles
    assert "<script" not in html.replace('<script nonce="', "").replace(
        '<script type="module" nonce="', ""
    ), "every script needs the CSP nonce"
    return page


def add_route(app: Flask, rule: str, view: Any, methods: tuple[str, ...] = ("GET",)) -> None:
    app.add_url_rule(rule, view.__name__, public(view), methods=list(methods))


SERVICE = "Council productivity self-assessment"
DASH = "\u2013"  # en dash between page title and service name


@pytest.mark.parametrize(
    ("url", "h1", "title"),
    [
        ("/accessibility", f"Accessibility statement for {SERVICE}", "Accessibility statement"),
        ("/cookies", "Cookies", "Cookies"),
        ("/privacy", "Privacy notice", "Privacy notice"),
    ],
)
def test_footer_pages_render(client: Any, url: str, h1: str, title: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = check_page(response.get_data(as_text=True))
    assert page.h1.strip() == h1
    assert page.title.strip() == f"{title} {DASH} {SERVICE}"


def test_page_chrome(client: Any) -> None:
    html = client.get("/accessibility").get_data(as_text=True)
    page = check_page(html)
    for href in ("/accessibility", "/cookies", "/privacy"):
        assert href in page.hrefs
    assert "govuk-footer" in html and "© Local Government Association" in html.replace(
        "&copy;", "©"
    )
    assert "govuk-phase-banner" in html and "Beta" in html
    assert 'href="/assets/css/app.css"' in html
    assert 'import { initAll } from "/assets/govuk/govuk-frontend.min.js"' in html
    assert "govuk-service-navigation" in html
    assert "/sign-in" in page.hrefs  # signed out: a sign-in link and no sections
    assert "Sign out" not in html


def test_cookies_page_names_the_session_cookie(client: Any) -> None:
    html = client.get("/cookies").get_data(as_text=True)
    assert "prodmaturity_session" in html
    assert "12 hours" in html and "30 minutes" in html


def test_built_css_uses_arial_not_gds_transport() -> None:
    css = ROOT / "static" / "css" / "app.css"
    if not css.exists():
        pytest.skip("assets not built: run `npm ci && npm run build`")
    text = css.read_text()
    assert "GDS Transport" not in text
    assert "arial" in text and ".app-table-container" in text and "@media print" in text


def test_not_found_page(client: Any) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = check_page(response.get_data(as_text=True))
    assert page.h1.strip() == "Page not found"
    assert page.title.strip() == f"Page not found {DASH} {SERVICE}"
    assert "govuk-heading-l" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/no-such-thing", "/healthz/nothing"])
def test_api_errors_are_json(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json() == {"error": {"status": 404, "message": "Not found"}}


def test_method_not_allowed(client: Any) -> None:
    response = client.post("/cookies")
    assert response.status_code == 405
    check_page(response.get_data(as_text=True))


def test_forbidden(app: Flask, client: Any) -> None:
    def forbidden() -> str:
        abort(403)

    add_route(app, "/test-forbidden", forbidden)
    response = client.get("/test-forbidden")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)


def test_server_error_hides_the_exception(app: Flask, client: Any) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode() -> str:
        raise RuntimeError("secret-internal-detail")

    def api_explode() -> str:
        raise RuntimeError("secret-internal-detail")

    add_route(app, "/test-explode", explode)
    add_route(app, "/api/test-explode", api_explode)
    response = client.get("/test-explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret-internal-detail" not in html and "RuntimeError" not in html
    check_page(html)
    api = client.get("/api/test-explode")
    assert api.status_code == 500 and "secret-internal-detail" not in api.get_data(as_text=True)
    assert api.get_json()["error"]["status"] == 500


def test_request_too_large(app: Flask, client: Any) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024

    def upload() -> str:
        return str(len(request.form))

    add_route(app, "/test-upload", upload, methods=("POST",))
    response = client.post("/test-upload", data={"comment": "x" * 5000})
    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.get_data(as_text=True)


def test_too_many_requests_says_how_long_to_wait(app: Flask, client: Any) -> None:
    def limited() -> str:
        raise TooManyRequests(retry_after=120)

    add_route(app, "/test-limited", limited)
    response = client.get("/test-limited")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html and "Wait 2 minutes" in html
    assert response.headers["Retry-After"] in {"119", "120"}


def test_expired_form_is_a_friendly_400(csrf_app: Flask) -> None:
    response = csrf_app.test_client().post("/sign-in", data={"email": "a@b.example"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your form expired or was not sent correctly" in html
    assert "Nothing you entered on that page has been saved" in html


class NameForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(message="Enter a name")])


FORM_PAGE = """{% extends "base.html" %}
{% set back_link = "/previous" %}
{% block title %}Add a name{% endblock %}
{% block main_content %}<h1 class="govuk-heading-l">Add a name</h1>
<input id="name" name="name">{% endblock %}"""


def test_form_errors_give_summary_and_error_title(app: Flask, client: Any) -> None:
    def name_form() -> str:
        form = NameForm()
        form.validate_on_submit()
        return render_template_string(FORM_PAGE, form=form)

    add_route(app, "/test-form", name_form, methods=("GET", "POST"))
    clean = client.get("/test-form").get_data(as_text=True)
    assert parse(clean).title.strip() == f"Add a name {DASH} {SERVICE}"
    assert "govuk-error-summary" not in clean
    assert 'class="govuk-back-link"' in clean and 'href="/previous"' in clean
    html = client.post("/test-form", data={"name": ""}).get_data(as_text=True)
    page = check_page(html)
    assert page.title.strip() == f"Error: Add a name {DASH} {SERVICE}"
    assert "govuk-error-summary" in html and 'href="#name"' in html and "Enter a name" in html


def test_flashed_messages_become_banners(app: Flask, client: Any) -> None:
    def flashy() -> str:
        flash("Assessment submitted", "success")
        flash("Sign in to continue", "info")
        flash("Plain message")
        return render_template_string('{% extends "base.html" %}')

    add_route(app, "/test-flash", flashy)
    html = client.get("/test-flash").get_data(as_text=True)
    check_page(html)  # three banners, still unique ids
    assert html.count("govuk-notification-banner--success") == 1
    assert html.count('data-module="govuk-notification-banner"') == 3
    assert "Assessment submitted" in html and "Plain message" in html


class FakeUser:
    is_authenticated = True

    def __init__(self, role: Role) -> None:
        self.role = role

    def can(self, permission: Permission) -> bool:
        return role_can(self.role, permission)


@pytest.fixture
def nav_app() -> Flask:
    """An app with a stub view for every navigation section, so the test needs no features."""
    app = Flask(__name__)
    for section in SECTIONS:
        blueprint, _, view = section.endpoint.partition(".")
        rule = f"/{blueprint}/{view}"
        app.add_url_rule(rule, section.endpoint, lambda: "")
    app.add_url_rule("/lga/results/by-council", "lga.results_by_council", lambda: "")
    app.add_url_rule("/lga/rounds/1", "lga.round_detail", lambda: "")
    return app


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COUNCIL_OFFICER, ["Home", "Assessments", "Exports", "Your account"]),
        (Role.COUNCIL_LEAD, ["Home", "Assessments", "Exports", "Your account"]),
        (Role.LGA_ANALYST, ["Home", "Rounds", "Results", "Programme", "Exports", "Your account"]),
        (
            Role.LGA_ADMIN,
            [
                "Home",
                "Rounds",
                "Results",
                "Programme",
                "Exports",
                "Users",
                "Frameworks",
                "Your account",
            ],
        ),
    ],
)
def test_navigation_depends_on_role(nav_app: Flask, role: Role, expected: list[str]) -> None:
    with nav_app.test_request_context("/lga/results/by-council"):
        items = nav_items(FakeUser(role))
    assert [item["text"] for item in items] == expected


def test_navigation_marks_the_current_section(nav_app: Flask) -> None:
    admin = FakeUser(Role.LGA_ADMIN)
    for url, active in [
        ("/lga/results/by-council", "Results"),
        ("/lga/rounds/1", "Rounds"),
        ("/admin/users", "Users"),
        ("/nowhere", None),
    ]:
        with nav_app.test_request_context(url):
            nav_app.preprocess_request()
            items = nav_items(admin)
        assert [i["text"] for i in items if i["active"]] == ([active] if active else []), url


def test_navigation_skips_unregistered_sections_and_signed_out_users(nav_app: Flask) -> None:
    app = Flask(__name__)
    app.add_url_rule("/", "main.home", lambda: "")
    with app.test_request_context("/"):
        assert [i["text"] for i in nav_items(FakeUser(Role.LGA_ADMIN))] == ["Home"]

        class SignedOut:
            is_authenticated = False

        assert nav_items(SignedOut()) == []


@pytest.mark.parametrize(("who", "sees_users"), [("officer", False), ("admin", True)])
def test_signed_in_header_shows_sections_name_and_sign_out(
    people: Any, login_as: Any, who: str, sees_users: bool
) -> None:
    # One sign-in per test: the app fixture keeps an app context (and so `g`, where
    # Flask-Login caches the user) open across requests.
    html = login_as(people[who]).get("/cookies").get_data(as_text=True)
    page = check_page(html)
    assert people[who].name in html
    assert 'action="/sign-out"' in html and 'name="csrf_token"' in html
    assert "/sign-in" not in page.hrefs
    assert (">Users<" in html) is sees_users


def test_dates_and_times_in_govuk_style() -> None:
    winter = datetime(2026, 11, 25, 15, 4)  # stored naive UTC; GMT in winter
    summer = datetime(2026, 6, 1, 14, 4)  # BST: shown an hour later
    assert format_date(date(2026, 11, 5)) == "5 November 2026"
    assert format_datetime(winter) == "25 November 2026 at 3:04pm"
    assert format_datetime(summer) == "1 June 2026 at 3:04pm"
    assert format_date(datetime(2026, 6, 30, 23, 30)) == "1 July 2026"
    assert format_time(datetime(2026, 1, 1, 12, 0)) == "midday"
    assert format_time(datetime(2026, 1, 1, 0, 0)) == "midnight"
    assert format_time(datetime(2026, 1, 1, 9, 5)) == "9:05am"
    assert format_date(None) == "" and format_datetime(None) == ""
    assert days_left(date(2026, 12, 1), today=date(2026, 11, 25)) == 6
    assert days_left(date(2026, 11, 20), today=date(2026, 11, 25)) == -5
