"""Round overview counts and the council list: services, then the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask

from prodmaturity.extensions import db
from prodmaturity.lga.filters import CouncilFilter, parse_filter
from prodmaturity.lga.overview import council_list, round_overview
from prodmaturity.models import Assessment
from prodmaturity.permissions import Role
from tests.factories import make_user
from tests.lga_data import maturity_rounds

TODAY = date(2025, 12, 1)  # the fixture round closes on 31 December 2025


def test_overview_counts_nationally_by_region_and_type(app: Flask) -> None:
    summary = round_overview(maturity_rounds().current, today=TODAY)

    assert summary.national.counts == {"not_started": 3, "in_progress": 5, "submitted": 15,
                                       "returned": 2, "accepted": 15}
    assert (summary.national.invited, summary.national.responded) == (40, 30)
    assert summary.national.response_rate == 75.0
    assert summary.days_to_deadline == 30 and summary.closes_on == date(2025, 12, 31)
    london = summary.by_region[0]
    assert london.label == "London" and london.invited == 14
    assert london.counts == {"not_started": 1, "in_progress": 2, "submitted": 5, "returned": 1,
                             "accepted": 5}
    assert london.response_rate == 71.4
    assert [(t.label, t.invited, t.responded) for t in summary.by_type] == [
        ("County", 3, 3), ("District", 37, 27)]


def test_overview_filters(app: Flask) -> None:
    rounds = maturity_rounds()
    summary = round_overview(rounds.current, CouncilFilter(region="London", type="district"))
    assert summary.national.invited == 13 and [g.label for g in summary.by_region] == ["London"]


def test_filter_parsing_ignores_unknown_values() -> None:
    known = ["London", "North West"]
    assert parse_filter({"region": "London", "type": "county"}, known) == CouncilFilter(
        "London", "county")
    assert parse_filter({"region": "Atlantis", "type": "parish"}, known) == CouncilFilter()
    assert CouncilFilter("London", "county").describe() == "County councils in London"


def _with_activity(rounds: Any) -> dict[str, Assessment]:
    by_name = {a.council.name: a for a in db.session.scalars(
        db.select(Assessment).where(Assessment.round_id == rounds.current.id))}
    by_name["Council 031"].deadline_override = date(2026, 1, 10)
    by_name["Council 005"].last_activity_at = datetime(2025, 11, 1, 9)
    by_name["Council 032"].last_activity_at = datetime(2025, 11, 20, 9)
    db.session.commit()
    first = rounds.councils[0]
    make_user("ann@c0.example", Role.COUNCIL_LEAD, first, name="Ann Lead")
    make_user("bob@c0.example", Role.COUNCIL_LEAD, first, name="Bob Lead")
    gone = make_user("zed@c0.example", Role.COUNCIL_LEAD, rounds.councils[1], name="Zed")
    gone.deactivated_at = datetime(2025, 1, 1)
    make_user("officer@c1.example", Role.COUNCIL_OFFICER, rounds.councils[1])
    db.session.commit()
    return by_name


def test_council_list_pages_sorts_and_filters(app: Flask) -> None:
    rounds = maturity_rounds()
    _with_activity(rounds)

    first = council_list(rounds.current, per_page=15, today=TODAY)
    assert (first.total, first.pages, len(first.items)) == (40, 3, 15)
    assert [r.name for r in first.items[:2]] == ["Council 000", "Council 001"]
    row = first.items[0]
    assert (row.lead_name, row.lead_count, row.region, row.type_label) == (
        "Ann Lead", 2, "London", "District")
    assert row.days_to_deadline is None  # submitted
    assert first.items[1].lead_name is None  # deactivated leads and officers don't count
    last = council_list(rounds.current, per_page=15, page=9, today=TODAY)
    assert last.page == 3 and len(last.items) == 10

    active = council_list(rounds.current, sort="-last-activity", today=TODAY)
    assert [r.name for r in active.items[:2]] == ["Council 032", "Council 005"]
    assert active.items[2].last_activity_at is None
    deadline = council_list(rounds.current, sort="-deadline", today=TODAY)
    assert deadline.items[0].name == "Council 031"
    assert (deadline.items[0].deadline, deadline.items[0].days_to_deadline) == (
        date(2026, 1, 10), 40)
    assert council_list(rounds.current, status="in_progress", today=TODAY).total == 5
    status_sorted = council_list(rounds.current, sort="status", today=TODAY)
    assert status_sorted.items[0].status == "not_started"
    returned = council_list(rounds.current, status="returned",
                            council_filter=CouncilFilter(region="London"))
    assert [r.name for r in returned.items] == ["Council 039"]


# Pages -----------------------------------------------------------------------------------------


def _pages(round_id: int) -> list[str]:
    base = f"/lga/rounds/{round_id}"
    return [f"{base}/overview", f"{base}/councils", f"{base}/chase", f"{base}/results",
            f"{base}/critical-gaps", "/lga/results"]


def test_analyst_sees_the_overview_pages(app: Flask, login_as: Any) -> None:
    rounds = maturity_rounds()
    client = login_as(make_user("analyst@lga.example", Role.LGA_ANALYST))

    overview = client.get(f"/lga/rounds/{rounds.current.id}/overview").get_data(as_text=True)
    assert "30 of 40" in overview and "75.0%" in overview
    listing = client.get(f"/lga/rounds/{rounds.current.id}/councils?sort=-council&page=2")
    page = listing.get_data(as_text=True)
    assert listing.status_code == 200 and 'data-councils="40"' in page  # one page: clamped
    assert page.index("Council 039") < page.index("Council 000")
    assert 'aria-sort="descending"' in page and "/lga/assessments/" in page
    results = client.get(f"/lga/rounds/{rounds.current.id}/results?region=London")
    assert 'data-councils="10"' in results.get_data(as_text=True)
    assert "<svg" in results.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.COUNCIL_LEAD, Role.COUNCIL_OFFICER])
def test_council_users_get_403_on_every_lga_page(app: Flask, login_as: Any,
                                                 role: Role) -> None:
    rounds = maturity_rounds()
    client = login_as(make_user("someone@c.example", role, rounds.councils[0]))
    for url in _pages(rounds.current.id):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/lga/rounds/{rounds.current.id}/chase/reminders",
                       data={"send_all": "1"}).status_code == 403


def test_unknown_round_is_404(app: Flask, login_as: Any) -> None:
    client = login_as(make_user("analyst@lga.example", Role.LGA_ANALYST))
    for url in _pages(999)[:-1]:
        assert client.get(url).status_code == 404, url
