"""The service navigation: which sections a signed-in user sees in the header.

Declared as data so adding a section is one line. An item appears only when its
endpoint is registered (features can land one at a time) and the current user's
role has the permission, matching the guard on the view itself.
"""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from flask import current_app, has_request_context, request, url_for
from flask_login import current_user

from .permissions import Permission


class NavSection(NamedTuple):
    endpoint: str
    text: str
    permission: Permission


class NavItem(TypedDict):
    text: str
    href: str
    active: bool


SECTIONS: tuple[NavSection, ...] = (
    NavSection("main.home", "Home", Permission.SIGNED_IN),
    NavSection("council.assessments", "Assessments", Permission.COUNCIL_EDIT),
    NavSection("lga.rounds", "Rounds", Permission.LGA_READ),
    NavSection("lga.results", "Results", Permission.LGA_READ),
    NavSection("programme.dashboard", "Programme", Permission.LGA_READ),
    NavSection("exports.index", "Exports", Permission.SIGNED_IN),
    NavSection("admin.users", "Users", Permission.LGA_ADMIN),
    NavSection("admin.frameworks", "Frameworks", Permission.LGA_ADMIN),
    NavSection("account.index", "Your account", Permission.SIGNED_IN),
)


def nav_items(user: object | None = None) -> list[NavItem]:
    """Sections the user may open, in order; empty when nobody is signed in."""
    if not has_request_context():
        return []
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return []
    registered = current_app.view_functions
    current = _active_section(request.endpoint)
    return [
        NavItem(text=s.text, href=url_for(s.endpoint), active=s is current)
        for s in SECTIONS
        if s.endpoint in registered and user.can(s.permission)  # type: ignore[attr-defined]
    ]


def _active_section(endpoint: str | None) -> NavSection | None:
    """The section the current page belongs to.

    Exact endpoint first; then a section in the same blueprint whose view name starts
    the page's (``lga.results`` for ``lga.results_by_council``); then the blueprint's
    first section (``lga.rounds`` for ``lga.round_detail``).
    """
    if not endpoint:
        return None
    blueprint, _, view = endpoint.rpartition(".")
    same_blueprint = [s for s in SECTIONS if blueprint and s.endpoint.startswith(blueprint + ".")]
    for section in SECTIONS:
        if section.endpoint == endpoint:
            return section
    for section in same_blueprint:
        if view.startswith(section.endpoint.rpartition(".")[2]):
            return section
    return same_blueprint[0] if same_blueprint else None


def sign_in_href() -> str | None:
    """Where the header's "Sign in" link goes, if sign-in exists and nobody is signed in."""
    if not has_request_context() or getattr(current_user, "is_authenticated", False):
        return None
    if "auth.sign_in" not in current_app.view_functions:
        return None
    return url_for("auth.sign_in")


def home_href() -> str:
    """The service name in the header links here: the signed-in home page, if it exists."""
    if "main.home" in current_app.view_functions:
        return url_for("main.home")
    return "/"


def sign_out_href() -> str | None:
    if "auth.sign_out" not in current_app.view_functions:
        return None
    return url_for("auth.sign_out")
