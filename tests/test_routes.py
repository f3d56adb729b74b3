"""Every route is guarded, and every kind of visitor gets what tests/route_matrix.py says."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from prodmaturity.permissions import Permission
from tests import route_matrix
from tests.route_matrix import EXPECTED, METHODS, VISITORS

# The only routes anyone may use without signing in. Adding one is a decision: say why here.
PUBLIC_ENDPOINTS = {
    "main.home",  # the start page when signed out
    "main.healthz",  # load balancers
    "pages.accessibility",
    "pages.cookies",
    "pages.privacy",
    "auth.sign_in",
    "auth.forgot_password",
    "auth.reset_password",  # the emailed link is the credential
    "auth.accept_invitation",  # likewise
    # The second sign-in step: nobody is signed in yet; each needs the pending-sign-in marker
    # that only a correct password sets, and sends everyone else back to sign in.
    "auth.two_factor_code",
    "auth.recovery_code",
    "auth.new_security_code",
    "api.openapi",  # the API's description: no data, and clients read it before they have a token
}


def endpoints(app: Flask) -> dict[str, Any]:
    """Endpoint -> its rule, for every route but Flask's static files."""
    return {rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_a_guard(app: Flask) -> None:
    unguarded = sorted(ep for ep in endpoints(app) if not hasattr(app.view_functions[ep], "_guard"))
    assert unguarded == [], f"Add @public or @requires(Permission.X) to: {unguarded}"


def test_guards_are_public_or_a_permission(app: Flask) -> None:
    guards = {ep: app.view_functions[ep]._guard for ep in endpoints(app)}
    assert all(g == "public" or isinstance(g, Permission) for g in guards.values()), guards


def test_public_routes_are_exactly_the_listed_ones(app: Flask) -> None:
    public = {ep for ep in endpoints(app) if app.view_functions[ep]._guard == "public"}
    assert public == PUBLIC_ENDPOINTS


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    routes = set(endpoints(app))
    assert sorted(routes - set(EXPECTED)) == [], "Add these routes to tests/route_matrix.py"
    assert sorted(set(EXPECTED) - routes) == [], "These routes in tests/route_matrix.py are gone"
    for endpoint, expected in EXPECTED.items():
        assert set(expected) == set(VISITORS), f"{endpoint}: give a status for every visitor"


def test_every_post_only_route_says_so(app: Flask) -> None:
    for endpoint, rule in endpoints(app).items():
        if "GET" not in (rule.methods or set()):
            assert METHODS.get(endpoint) == "POST", f"{endpoint} has no GET: add it to METHODS"


def _sorted_for_requests(app: Flask) -> list[str]:
    # POST-only routes last, and signing out at the very end, so they don't spoil the rest.
    return sorted(endpoints(app), key=lambda ep: (ep in METHODS, ep == "auth.sign_out", ep))


@pytest.mark.parametrize("visitor", VISITORS)
def test_route_matrix(app: Flask, people: dict[str, Any], councils: dict[str, Any],
                      login_as: Any, visitor: str) -> None:
    client = app.test_client() if visitor == "anonymous" else login_as(people[visitor])
    sample = route_matrix.make_sample(councils, people)
    rules = endpoints(app)
    wrong = []
    for endpoint in _sorted_for_requests(app):
        with app.test_request_context():
            url = url_for(endpoint, **route_matrix.url_values(rules[endpoint].arguments, sample))
        method = METHODS.get(endpoint, "GET")
        response = client.open(url, method=method)
        expected = EXPECTED[endpoint][visitor]
        if response.status_code != expected:
            wrong.append(f"{method} {url} ({endpoint}): expected {expected}, got "
                         f"{response.status_code}")
        elif visitor == "anonymous" and expected == 302 and endpoint not in PUBLIC_ENDPOINTS:
            assert response.headers["Location"].startswith("/sign-in"), endpoint
    assert wrong == [], "\n".join(wrong)


# Cross-council: a council's people see only their own council ---------------------------------


def test_council_team_lists_only_own_council(app: Flask, people: dict[str, Any],
                                             login_as: Any) -> None:
    client = login_as(people["lead"])
    client.post("/council/team/invite", data={"name": "Nia Jones", "email": "nia@a.example",
                                              "role": "council_officer"})
    other = login_as(people["other_lead"])

    page = other.get("/council/team").get_data(as_text=True)

    assert "Brackenshire Council" in page
    assert "officer@b.example" in page and "lead@b.example" in page
    for someone_elses in ("officer@a.example", "lead@a.example", "nia@a.example", "Alderley"):
        assert someone_elses not in page
    own = client.get("/council/team").get_data(as_text=True)
    assert "officer@a.example" in own and "nia@a.example" in own
    assert "officer@b.example" not in own


def test_lead_invites_only_into_own_council(app: Flask, people: dict[str, Any],
                                            councils: dict[str, Any], login_as: Any) -> None:
    from prodmaturity.models import Invitation

    client = login_as(people["other_lead"])
    response = client.post("/council/team/invite", data={
        "name": "Sam Lee", "email": "sam@b.example", "role": "council_officer",
        "council": councils["a"].gss_code,  # ignored: leads invite into their own council
    })
    assert response.status_code == 302
    invitation = Invitation.query.filter_by(email="sam@b.example").one()
    assert invitation.council_id == councils["b"].id
    assert invitation.role == "council_officer"
