"""`flask demo`: a believable data set a visitor can click through.

Idempotent: it adds what is missing and never removes or overwrites what people entered. The only
thing it changes on a re-run is the demo accounts' passwords, so the printed sign-ins always work.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .auth.passwords import hash_password, password_problem
from .councils.register import read_register_csv, shipped_register_path, upsert_councils
from .extensions import db
from .models import Council, User
from .permissions import Role


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    gss_code: str | None = None


# A handful of councils of different types and regions.
DEMO_PEOPLE = (
    DemoPerson("admin@lga.example", "Aisha Rahman", Role.LGA_ADMIN),
    DemoPerson("analyst@lga.example", "Tom Whitfield", Role.LGA_ANALYST),
    DemoPerson("lead@leeds.example", "Priya Natarajan", Role.COUNCIL_LEAD, "E08000035"),
    DemoPerson("officer@leeds.example", "Gareth Hughes", Role.COUNCIL_OFFICER, "E08000035"),
    DemoPerson("lead@kent.example", "Helen Carter", Role.COUNCIL_LEAD, "E10000016"),
    DemoPerson("officer@kent.example", "Daniel Okafor", Role.COUNCIL_OFFICER, "E10000016"),
    DemoPerson("lead@camden.example", "Sophie Martin", Role.COUNCIL_LEAD, "E09000007"),
    DemoPerson("officer@camden.example", "Yusuf Ali", Role.COUNCIL_OFFICER, "E09000007"),
    DemoPerson("lead@cornwall.example", "Morwenna Pascoe", Role.COUNCIL_LEAD, "E06000052"),
    DemoPerson("lead@midsuffolk.example", "James Bell", Role.COUNCIL_LEAD, "E07000203"),
    DemoPerson("officer@midsuffolk.example", "Lucy Fenn", Role.COUNCIL_OFFICER, "E07000203"),
)

# Later features add their own steps (rounds, assessments, deliverables) here.
DEMO_STEPS: list[Callable[[], str]] = []


def demo_step(step: Callable[[], str]) -> Callable[[], str]:
    DEMO_STEPS.append(step)
    return step


def load_register() -> str:
    with shipped_register_path().open(encoding="utf-8") as stream:
        result = upsert_councils(read_register_csv(stream))
    return f"Council register: {result.created} added, {result.unchanged + result.updated} kept"


def ensure_people(password: str) -> list[DemoPerson]:
    """Create the demo accounts that are missing, and set every demo password to ``password``."""
    councils = {
        c.gss_code: c
        for c in db.session.scalars(
            sa.select(Council).where(
                Council.gss_code.in_([p.gss_code for p in DEMO_PEOPLE if p.gss_code])
            )
        )
    }
    existing = {
        u.email: u
        for u in db.session.scalars(
            sa.select(User).where(User.email.in_([p.email for p in DEMO_PEOPLE]))
        )
    }
    password_hash = hash_password(password)
    for person in DEMO_PEOPLE:
        user = existing.get(person.email)
        if user is None:
            council = councils[person.gss_code] if person.gss_code else None
            user = User(email=person.email, name=person.name, role=person.role.value,
                        council_id=council.id if council else None, password_hash=password_hash)
            db.session.add(user)
        else:
            user.password_hash = password_hash
            user.locked_until = None
            user.failed_sign_ins = 0
    db.session.commit()
    return list(DEMO_PEOPLE)


def run_demo(password: str) -> list[str]:
    """Load everything; returns one progress line per step."""
    lines = [load_register()]
    ensure_people(password)
    from .assessments import demo as _assessment_demo  # noqa: F401  (adds its step)
    from .programme import demo as _programme_demo  # noqa: F401  (after rounds: it measures them)

    lines += [step() for step in DEMO_STEPS]
    return lines


@click.command("demo")
@click.option("--password", help="Password for every demo account (default: random).")
@with_appcontext
def demo_command(password: str | None) -> None:
    """Load the demo data set and print the demo sign-ins."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("The demo data set cannot be loaded in production")
    if password is None:
        password = "-".join(secrets.token_hex(3) for _ in range(3))
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    for line in run_demo(password):
        click.echo(line)
    click.echo("\nDemo sign-ins (all with the password below):")
    for person in DEMO_PEOPLE:
        council = f"  {person.gss_code}" if person.gss_code else ""
        click.echo(f"  {person.role.label:<16} {person.email:<28}{council}")
    click.echo(f"\n  Password: {password}\n")
