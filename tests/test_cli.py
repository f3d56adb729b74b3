"""`flask users create` and `flask demo`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from prodmaturity import create_app, timeutil
from prodmaturity.auth.passwords import verify_password
from prodmaturity.demo import DEMO_PEOPLE
from prodmaturity.extensions import db
from prodmaturity.models import Council, Invitation, User
from prodmaturity.models.audit import AuditEvent
from prodmaturity.permissions import Role
from tests.conftest import base_config, count_rows
from tests.factories import make_user

GOOD_PASSWORD = "plum orchard seventy kites"


def create_user(app: Flask, *args: str, password: str = GOOD_PASSWORD) -> Any:
    return app.test_cli_runner().invoke(
        args=["users", "create", *args, "--password-stdin"], input=password + "\n"
    )


def test_create_an_lga_admin(app: Flask) -> None:
    result = create_user(app, "--email", "First.Admin@LGA.example", "--name", " Ada Admin ",
                         "--role", "lga_admin")
    assert result.exit_code == 0, result.output
    assert "Created lga_admin first.admin@lga.example" in result.output
    user = User.query.one()
    assert (user.email, user.name, user.role, user.council_id) == (
        "first.admin@lga.example", "Ada Admin", "lga_admin", None)
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    assert AuditEvent.query.filter_by(action="user_created_cli").count() == 1


def test_create_a_council_lead(app: Flask, councils: dict[str, Any]) -> None:
    result = create_user(app, "--email", "lead@new.example", "--name", "Lee Lead",
                         "--role", "council_lead", "--council", "e07000001")
    assert result.exit_code == 0, result.output
    assert "for Alderley District Council" in result.output
    assert User.query.one().council_id == councils["a"].id


def test_password_can_be_typed_twice(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@lga.example", "--name", "A", "--role",
              "lga_analyst"],
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert count_rows(User) == 1


@pytest.mark.parametrize("args, password, message", [
    (["--email", "x@lga.example", "--name", "X", "--role", "superuser"], GOOD_PASSWORD,
     "Invalid value for '--role'"),
    (["--email", "x@a.example", "--name", "X", "--role", "council_officer"], GOOD_PASSWORD,
     "--council is required for council_officer accounts"),
    (["--email", "x@lga.example", "--name", "X", "--role", "lga_analyst",
      "--council", "E07000001"], GOOD_PASSWORD, "lga_analyst accounts do not belong to a council"),
    (["--email", "x@a.example", "--name", "X", "--role", "council_lead",
      "--council", "E99999999"], GOOD_PASSWORD, "No council with GSS code E99999999"),
    (["--email", "x@a.example", "--name", "X", "--role", "council_lead",
      "--council", "E07000003"], GOOD_PASSWORD, "no longer exists"),
    (["--email", "OFFICER@A.example", "--name", "X", "--role", "lga_analyst"], GOOD_PASSWORD,
     "There is already an account for officer@a.example"),
    (["--email", "x@lga.example", "--name", "X", "--role", "lga_analyst"], "short",
     "Password must be 12 characters or more"),
    (["--email", "x@lga.example", "--name", "X", "--role", "lga_analyst"], "password1234",
     "Password is too common"),
    (["--email", "x@lga.example", "--name", "X", "--role", "lga_analyst"], "",
     "Enter a password"),
    (["--email", "not-an-email", "--name", "X", "--role", "lga_analyst"], GOOD_PASSWORD,
     "Enter a valid email address"),
    (["--email", "x@lga.example", "--name", "  ", "--role", "lga_analyst"], GOOD_PASSWORD,
     "Enter the person's name"),
])
def test_bad_values_are_refused_and_nothing_is_written(
    app: Flask, people: dict[str, Any], args: list[str], password: str, message: str
) -> None:
    users, events = count_rows(User), count_rows(AuditEvent)
    result = create_user(app, *args, password=password)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert (count_rows(User), count_rows(AuditEvent)) == (users, events)


# flask demo ----------------------------------------------------------------------------------


def run_demo(app: Flask, password: str = GOOD_PASSWORD) -> Any:
    result = app.test_cli_runner().invoke(args=["demo", "--password", password])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow
def test_demo_is_idempotent_and_keeps_what_people_entered(app: Flask) -> None:
    output = run_demo(app).output
    assert "Demo sign-ins" in output and f"Password: {GOOD_PASSWORD}" in output
    for person in DEMO_PEOPLE:
        assert person.email in output
    councils, users = count_rows(Council), count_rows(User)
    assert councils > 300
    assert users == len(DEMO_PEOPLE)
    for person in DEMO_PEOPLE:
        user = User.query.filter_by(email=person.email).one()
        assert user.role == person.role.value
        assert (user.council.gss_code if user.council else None) == person.gss_code

    leeds = db.session.scalar(db.select(Council).filter_by(gss_code="E08000035"))
    make_user("someone.real@leeds.example", Role.COUNCIL_OFFICER, leeds)
    db.session.add(Invitation(email="invited@leeds.example", name="Invited", role="council_officer",
                              council_id=leeds.id,
                              expires_at=timeutil.utcnow() + timedelta(days=7)))
    lead = User.query.filter_by(email="lead@leeds.example").one()
    lead.locked_until = timeutil.utcnow() + timedelta(minutes=10)
    db.session.commit()

    run_demo(app, "a different demo password")

    assert count_rows(Council) == councils
    assert count_rows(User) == users + 1
    assert User.query.filter_by(email="someone.real@leeds.example").one()
    assert count_rows(Invitation) == 1
    db.session.refresh(lead)
    assert lead.locked_until is None
    assert verify_password(lead.password_hash, "a different demo password")


def test_demo_refuses_a_weak_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--password", "short"])
    assert result.exit_code != 0
    assert "Password must be 12 characters or more" in result.output
    assert count_rows(Council) == 0


def test_demo_refuses_to_run_in_production(app: Flask, tmp_path: Path) -> None:
    config = base_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "outbox")
    production = create_app({**config, "PRODUCTION": True})
    with production.app_context():  # else the commands would run in the test app's context
        result = production.test_cli_runner().invoke(args=["demo", "--password", GOOD_PASSWORD])
        db.engine.dispose()
    assert result.exit_code != 0
    assert "The demo data set cannot be loaded in production" in result.output
    assert count_rows(Council) == count_rows(User) == 0
