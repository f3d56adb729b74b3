"""Who gets what from every route: the expectation table the route matrix test checks.

Every endpoint in the app must appear in ``EXPECTED``, or ``test_routes.py`` fails: a new route
is not finished until this file says what each kind of visitor gets from it.

To add a route:
- add ``"blueprint.endpoint": {...}`` to ``EXPECTED`` with a status for every visitor in
  ``VISITORS`` (the helpers ``everyone``, ``signed_in``, ``only`` keep entries short);
- if its URL has parameters, add a sample for each parameter name to ``SAMPLE_VALUES`` (a function
  of ``Sample``, so it can point at council A's objects made in ``make_sample``); objects belong to
  council A, so ``other_officer`` and ``other_lead`` (council B) should usually get 404;
- if it only answers POST, add it to ``METHODS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# "anonymous" is not signed in; the rest are keys of the ``people`` fixture. officer and lead
# belong to council A; other_officer and other_lead to council B.
VISITORS = ("anonymous", "officer", "lead", "other_officer", "other_lead", "analyst", "admin")
SIGNED_IN = VISITORS[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(VISITORS, status)


def signed_in(status: int, anonymous: int = 302, **exceptions: int) -> dict[str, int]:
    """``status`` for every signed-in visitor (bar ``exceptions``); a redirect to sign in if not."""
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status), **exceptions}


def only(*allowed: str, status: int = 200, others: int = 403) -> dict[str, int]:
    """``status`` for the visitors named, 403 for other signed-in ones, sign-in redirect else."""
    return signed_in(others, **dict.fromkeys(allowed, status))


COUNCIL_LEADS = ("lead", "other_lead")

EXPECTED: dict[str, dict[str, int]] = {
    # Open to all
    "main.home": everyone(200),
    "main.healthz": everyone(200),
    "pages.accessibility": everyone(200),
    "pages.cookies": everyone(200),
    "pages.privacy": everyone(200),
    # Signed-in people are sent home from the sign-in page
    "auth.sign_in": signed_in(302, anonymous=200),
    # POST only (see METHODS): signing out sends everyone to the sign-in page
    "auth.sign_out": everyone(302),
    # Sample tokens are not valid: the "link problem" page is 410 Gone for anyone
    "auth.accept_invitation": everyone(410),
    "auth.forgot_password": everyone(200),
    "auth.reset_password": everyone(410),
    "auth.change_password": signed_in(200),
    # LGA admin
    "admin.users": only("admin"),
    "admin.invite": only("admin"),
    # Council leads (each sees their own council's team)
    "council.team": only(*COUNCIL_LEADS),
    "council.invite": only(*COUNCIL_LEADS),
    # Frameworks: a printable blank copy for everyone signed in; uploads for LGA admins
    "frameworks.index": signed_in(200),
    "frameworks.blank": signed_in(200),
    "admin.frameworks": only("admin"),
    # Productivity programme: LGA analysts read, LGA admins manage; council users get 403
    "programme.dashboard": only("analyst", "admin"),
    "programme.deliverable": only("analyst", "admin"),
    "programme.board_report_page": only("analyst", "admin"),
    "programme.board_report_csv": only("analyst", "admin"),
    "programme.new_deliverable": only("admin"),
    "programme.edit_deliverable": only("admin"),
    "programme.add_update": only("admin"),
    "programme.add_measure": only("admin"),
}

# Routes that do not answer GET are requested with this method (and an empty form).
METHODS: dict[str, str] = {
    "auth.sign_out": "POST",
}


@dataclass
class Sample:
    """Objects the sample URLs point at; later features add theirs in ``make_sample``."""

    councils: dict[str, Any]
    people: dict[str, Any]
    framework_version: Any = None


def make_sample(councils: dict[str, Any], people: dict[str, Any]) -> Sample:
    from tests.factories import load_shipped_framework

    return Sample(councils=councils, people=people,
                  framework_version=load_shipped_framework("nps-2018"))


# URL parameter name -> sample value (a function of the Sample).
SAMPLE_VALUES: dict[str, Callable[[Sample], Any]] = {
    "token": lambda sample: "not-a-real-token",
    "gss_code": lambda sample: sample.councils["a"].gss_code,
    "version_id": lambda sample: sample.framework_version.id,
    "deliverable_id": lambda sample: sample_deliverable_id(),
}


def sample_deliverable_id() -> int:
    """A programme deliverable (not any council's), made on first use."""
    import sqlalchemy as sa

    from prodmaturity.extensions import db
    from prodmaturity.models import Deliverable

    existing = db.session.scalar(sa.select(Deliverable.id).limit(1))
    if existing is None:
        deliverable = Deliverable(title="Sample deliverable", owner="LGA", financial_year=2018,
                                  due_quarter=2)
        db.session.add(deliverable)
        db.session.commit()
        existing = deliverable.id
    return existing


def url_values(arguments: set[str] | frozenset[str], sample: Sample) -> dict[str, Any]:
    missing = set(arguments) - set(SAMPLE_VALUES)
    if missing:
        raise KeyError(f"Add a sample value to tests/route_matrix.py for: {sorted(missing)}")
    return {name: SAMPLE_VALUES[name](sample) for name in arguments}
