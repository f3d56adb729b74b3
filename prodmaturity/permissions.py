"""Roles and what each may do: the one place that answers "may this user do that?".

Every view carries exactly one guard: ``@public`` or ``@requires(Permission.X)``.
A test walks the URL map and fails when a view has neither.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


class Role(enum.StrEnum):
    COUNCIL_OFFICER = "council_officer"
    COUNCIL_LEAD = "council_lead"
    LGA_ANALYST = "lga_analyst"
    LGA_ADMIN = "lga_admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_council(self) -> bool:
        return self in (Role.COUNCIL_OFFICER, Role.COUNCIL_LEAD)

    @property
    def is_lga(self) -> bool:
        return self in (Role.LGA_ANALYST, Role.LGA_ADMIN)


ROLE_LABELS = {
    Role.COUNCIL_OFFICER: "Council officer",
    Role.COUNCIL_LEAD: "Council lead",
    Role.LGA_ANALYST: "LGA analyst",
    Role.LGA_ADMIN: "LGA admin",
}


class Permission(enum.StrEnum):
    SIGNED_IN = "signed_in"  # any active, signed-in user (account pages, home)
    COUNCIL_EDIT = "council_edit"  # fill in their own council's assessments
    COUNCIL_LEAD = "council_lead"  # submit, invite colleagues, manage own council's users
    LGA_READ = "lga_read"  # read everything, aggregated and per council
    LGA_ADMIN = "lga_admin"  # manage councils, users, rounds, frameworks, deliverables


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.COUNCIL_OFFICER: frozenset({Permission.SIGNED_IN, Permission.COUNCIL_EDIT}),
    Role.COUNCIL_LEAD: frozenset(
        {Permission.SIGNED_IN, Permission.COUNCIL_EDIT, Permission.COUNCIL_LEAD}
    ),
    Role.LGA_ANALYST: frozenset({Permission.SIGNED_IN, Permission.LGA_READ}),
    Role.LGA_ADMIN: frozenset({Permission.SIGNED_IN, Permission.LGA_READ, Permission.LGA_ADMIN}),
}


def role_can(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]


def public(view: F) -> F:
    """Mark a view as open to anyone, signed in or not."""
    view._guard = "public"  # type: ignore[attr-defined]
    return view


def requires(permission: Permission) -> Callable[[F], F]:
    """Guard a view: 302 to sign-in when signed out, 403 when the role lacks the permission."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from .extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped._guard = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


# Who may invite whom: LGA admins anyone; council leads officers of their own council.
GRANTABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.LGA_ADMIN: (Role.COUNCIL_LEAD, Role.COUNCIL_OFFICER, Role.LGA_ANALYST, Role.LGA_ADMIN),
    Role.COUNCIL_LEAD: (Role.COUNCIL_OFFICER,),
    Role.COUNCIL_OFFICER: (),
    Role.LGA_ANALYST: (),
}


def grantable_roles(role: Role | str) -> tuple[Role, ...]:
    return GRANTABLE_ROLES[Role(role)]
