"""The LGA's pages run a fixed number of SQL statements, whatever the number of councils."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.extensions import db
from prodmaturity.models import User
from prodmaturity.permissions import Role
from tests.conftest import _empty_tables
from tests.factories import make_user, password_hash
from tests.lga_data import Rounds, maturity_rounds, questionnaire_rounds


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _with_leads(rounds: Rounds) -> None:
    """A lead for every council (and a second for one), so lead look-ups have work to do."""
    db.session.add_all(
        User(email=f"lead{c.id}@council.example", name=f"Lead {c.id}", role="council_lead",
             council_id=c.id, password_hash=password_hash()) for c in rounds.councils)
    db.session.add(User(email="second@council.example", name="Aaron", role="council_lead",
                        council_id=rounds.councils[0].id, password_hash=password_hash()))
    db.session.commit()


def _urls(round_id: int) -> list[str]:
    base = f"/lga/rounds/{round_id}"
    return [f"{base}/overview", f"{base}/overview?region=London", f"{base}/councils",
            f"{base}/councils?page=2&sort=-last-activity", f"{base}/councils?status=submitted",
            f"{base}/chase", f"{base}/results", f"{base}/results?type=district",
            f"{base}/critical-gaps"]


def _measure(app: Flask, login_as: Any, n: int,
             build: Callable[[int], Rounds]) -> dict[str, int]:
    rounds = build(n)
    _with_leads(rounds)
    client = login_as(make_user("analyst@lga.example", Role.LGA_ANALYST))
    counts = {}
    for url in _urls(rounds.current.id):
        with counting() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url.split("/", 4)[-1]] = len(statements)
    return counts


@pytest.mark.parametrize("build", [maturity_rounds, questionnaire_rounds],
                         ids=["maturity", "questionnaire"])
def test_page_queries_do_not_grow_with_councils(app: Flask, login_as: Any,
                                                build: Callable[[int], Rounds]) -> None:
    small = _measure(app, login_as, 10, build)
    db.session.remove()
    _empty_tables()
    large = _measure(app, login_as, 200, build)

    assert small == large
    assert max(large.values()) <= 20, large

