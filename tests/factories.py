"""Test data: councils, people, and signing in through the real form."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from prodmaturity.auth.passwords import hash_password
from prodmaturity.extensions import db
from prodmaturity.models import Council, User
from prodmaturity.permissions import Role

PASSWORD = "correct horse battery staple"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def make_council(gss_code: str, name: str, type_: str = "district",
                 region: str = "South East", **kwargs: Any) -> Council:
    council = Council(gss_code=gss_code, name=name, short_name=name.split(" ")[0], type=type_,
                      region=region, **kwargs)
    db.session.add(council)
    db.session.commit()
    return council


def make_councils() -> dict[str, Council]:
    return {
        "a": make_council("E07000001", "Alderley District Council", "district", "North West"),
        "b": make_council("E06000002", "Brackenshire Council", "unitary", "South West"),
        "gone": make_council("E07000003", "Old Mere District Council", "district", "South West",
                             end_date=date(2019, 4, 1), successor_gss_code="E06000002"),
    }


def make_user(email: str, role: Role, council: Council | None = None, name: str = "") -> User:
    user = User(email=email, name=name or email.split("@")[0].replace(".", " ").title(),
                role=role.value, council_id=council.id if council else None,
                password_hash=password_hash())
    db.session.add(user)
    db.session.commit()
    return user


def make_people(councils: dict[str, Council]) -> dict[str, User]:
    a, b = councils["a"], councils["b"]
    return {
        "officer": make_user("officer@a.example", Role.COUNCIL_OFFICER, a),
        "lead": make_user("lead@a.example", Role.COUNCIL_LEAD, a),
        "other_officer": make_user("officer@b.example", Role.COUNCIL_OFFICER, b),
        "other_lead": make_user("lead@b.example", Role.COUNCIL_LEAD, b),
        "analyst": make_user("analyst@lga.example", Role.LGA_ANALYST),
        "admin": make_user("admin@lga.example", Role.LGA_ADMIN),
    }


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD,
            next_url: str | None = None) -> TestResponse:
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def load_shipped_framework(slug: str) -> Any:
    """Store a shipped framework version and return its FrameworkVersion row."""
    from prodmaturity.frameworks import load_framework_file, shipped_framework_paths
    from prodmaturity.frameworks.store import store_framework

    path = next(p for p in shipped_framework_paths() if p.stem == slug)
    return store_framework(load_framework_file(path)).version


def make_round(version: Any, councils: list[Council], *, title: str = "Test round",
               opens_on: date | None = None, closes_on: date | None = None) -> Any:
    """A round with a not-started assessment for each council (rows written directly)."""
    from datetime import timedelta

    from prodmaturity.models import Assessment, Round
    from prodmaturity.timeutil import today

    round_ = Round(framework_version_id=version.id, title=title,
                   opens_on=opens_on or today() - timedelta(days=7),
                   closes_on=closes_on or today() + timedelta(days=21))
    db.session.add(round_)
    db.session.flush()
    for council in councils:
        db.session.add(Assessment(round_id=round_.id, council_id=council.id))
    db.session.commit()
    return round_
