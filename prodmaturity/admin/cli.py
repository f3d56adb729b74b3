"""`flask users ...`: make accounts from the command line (a new deployment's first LGA admin)."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from .. import audit
from ..auth.passwords import hash_password, password_problem
from ..auth.services import find_user, normalise_email
from ..extensions import db
from ..models import Council, User
from ..permissions import Role
from ..timeutil import today

users_cli = AppGroup("users", help="Manage user accounts.")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_cli.command("create")
@click.option("--email", required=True, help="Work email address (unique).")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--council", "gss_code", help="GSS code of the council (council roles only).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    email: str, name: str, role: str, gss_code: str | None, password_stdin: bool
) -> None:
    """Create a user; the password is prompted for unless --password-stdin is given."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.ClickException(f"Enter a valid email address: {exc}") from exc
    if find_user(email) is not None:
        raise click.ClickException(f"There is already an account for {normalise_email(email)}")
    if not name.strip():
        raise click.ClickException("Enter the person's name")
    council = _council_for(Role(role), gss_code)
    password = _read_password(password_stdin)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.ClickException(problem)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        council_id=council.id if council else None,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user_created_cli", subject=user, council_id=user.council_id, new=role)
    db.session.commit()
    click.echo(f"Created {role} {user.email}" + (f" for {council.name}" if council else ""))


def _council_for(role: Role, gss_code: str | None) -> Council | None:
    if role.is_lga:
        if gss_code:
            raise click.ClickException(f"{role.value} accounts do not belong to a council")
        return None
    if not gss_code:
        raise click.ClickException(f"--council is required for {role.value} accounts")
    council = db.session.scalar(sa.select(Council).where(Council.gss_code == gss_code.upper()))
    if council is None:
        raise click.ClickException(
            f"No council with GSS code {gss_code}: run `flask councils load` first?"
        )
    if not council.active_on(today()):
        message = f"{council.name} no longer exists"
        if council.successor_gss_code:
            message += f": it was replaced by {council.successor_gss_code}"
        raise click.ClickException(message)
    return council
