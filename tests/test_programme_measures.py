"""Programme measures and the Board report, against hand-computed values (no HTTP).

The fixture writes Assessment, Response and SectionResult rows directly with known values, so each
expected figure below can be checked by hand from the table in ``world``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.extensions import db
from prodmaturity.models import Assessment, Deliverable, Measure, Response, Round, SectionResult
from prodmaturity.programme import services
from prodmaturity.programme.measures import MeasureError, validate
from prodmaturity.programme.quarters import Quarter
from prodmaturity.programme.report import CSV_HEADER, board_report, csv_rows, report_csv
from tests.factories import load_shipped_framework, make_council, make_round

AREA = "engaging-councillors"  # an NPS key area in the "showing-leadership" theme
THEME = "showing-leadership"


@dataclass
class World:
    councils: list[Any]
    nps: Round  # 2018: A accepted 10 Aug, B submitted 30 Sep 23:30, C accepted 1 Oct, D returned
    nps_2019: Round  # A and B both overall median 4
    nps_2020: Round  # nobody has submitted
    cyber: Round  # A red (critical), B green, C amber-red (critical, after Q2), D in progress
    deliverable: Deliverable


def _assess(round_: Round, council: Any, status: str, submitted: datetime | None,
            sections: dict[str, dict[str, Any]] | None = None,
            responses: dict[str, int] | None = None, **overall: Any) -> None:
    row = db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id,
                                                        Assessment.council_id == council.id))
    row.status, row.submitted_at = status, submitted
    for name, value in overall.items():
        setattr(row, name, value)
    for key, values in (sections or {}).items():
        db.session.add(SectionResult(assessment_id=row.id, section_key=key, **values))
    for item_key, stage in (responses or {}).items():
        db.session.add(Response(assessment_id=row.id, section_key=THEME, item_key=item_key,
                                current_stage=stage))


def _nps_section(median: int, mean: float) -> dict[str, dict[str, Any]]:
    return {THEME: {"median_stage": median, "mean_stage": mean}}


def _cyber_sections(leadership: tuple[float, str, int], training: tuple[float, str]
                    ) -> dict[str, dict[str, Any]]:
    percent, band, critical = leadership
    return {"leadership": {"percent": percent, "band": band, "critical_failures": critical},
            "training": {"percent": training[0], "band": training[1]}}


@pytest.fixture
def world(app: Flask) -> World:
    nps_version = load_shipped_framework("nps-2018")
    cyber_version = load_shipped_framework("cyber-stocktake-2018")
    a, b, c, d, e = (make_council(f"E0700010{n}", f"Council {n}") for n in range(5))
    nps = make_round(nps_version, [a, b, c, d, e], title="NPS 2018",
                     opens_on=date(2018, 7, 1), closes_on=date(2018, 10, 31))
    _assess(nps, a, "accepted", datetime(2018, 8, 10, 10), _nps_section(3, 3.0), {AREA: 4},
            overall_median_stage=3, overall_mean_stage=3.2)
    _assess(nps, b, "submitted", datetime(2018, 9, 30, 23, 30), _nps_section(3, 2.5), {AREA: 2},
            overall_median_stage=2, overall_mean_stage=2.4)
    _assess(nps, c, "accepted", datetime(2018, 10, 1, 9), _nps_section(4, 4.5), {AREA: 5},
            overall_median_stage=4, overall_mean_stage=4.0)
    _assess(nps, d, "returned", datetime(2018, 8, 1), _nps_section(5, 5.0), {AREA: 5},
            overall_median_stage=5, overall_mean_stage=5.0)
    nps_2019 = make_round(nps_version, [a, b], title="NPS 2019",
                          opens_on=date(2019, 7, 1), closes_on=date(2019, 9, 30))
    for council in (a, b):
        _assess(nps_2019, council, "submitted", datetime(2019, 8, 1),
                overall_median_stage=4, overall_mean_stage=4.0)
    nps_2020 = make_round(nps_version, [a, b, c], title="NPS 2020",
                          opens_on=date(2020, 7, 1), closes_on=date(2020, 9, 30))
    cyber = make_round(cyber_version, [a, b, c, d], title="Cyber 2018",
                       opens_on=date(2018, 6, 15), closes_on=date(2018, 9, 30))
    _assess(cyber, a, "submitted", datetime(2018, 7, 1), _cyber_sections((30, "red", 1),
            (50, "amber_red")), overall_percent=35, overall_band="red", critical_failures=1)
    _assess(cyber, b, "accepted", datetime(2018, 7, 15), _cyber_sections((85, "green", 0),
            (70, "amber_green")), overall_percent=80, overall_band="green", critical_failures=0)
    _assess(cyber, c, "submitted", datetime(2018, 10, 5), _cyber_sections((38, "red", 2),
            (43, "amber_red")), overall_percent=45, overall_band="amber_red", critical_failures=2)
    _assess(cyber, d, "in_progress", None)
    db.session.commit()
    services.ensure_workstreams()
    deliverable = services.save_deliverable(services.DeliverableData(
        "Launch the strategy", "", "Procurement team", 2018, 2, True, "MHCLG grant",
        "in_progress", "green", (services.workstreams()[1].id,)), None)
    return World([a, b, c, d, e], nps, nps_2019, nps_2020, cyber, deliverable)


def measure(world: World, round_: Round, kind: str, area: str | None = None,
            stage: int | None = None, change: bool = False,
            target: float | None = None) -> Measure:
    return services.add_measure(world.deliverable, round_, kind, area=area, stage=stage,
                                change=change, target=target, label=f"{kind} {area} {stage}",
                                actor=None)


def value(m: Measure, as_at: date | None = None) -> float | None:
    return services.read_measures([m], as_at)[m.id].value


# The NPS round: live, as at the end of 2018/19 Q2 (B's 23:30 return counts), and before any return
LIVE, Q2_END, BEFORE = None, date(2018, 9, 30), date(2018, 8, 9)


@pytest.mark.parametrize(("kind", "area", "stage", "expected"), [
    ("returns_received", None, None, {LIVE: 60.0, Q2_END: 40.0, BEFORE: None}),
    ("share_at_stage", None, 3, {LIVE: 200 / 3, Q2_END: 50.0, BEFORE: None}),
    ("share_at_stage", THEME, 3, {LIVE: 100.0, Q2_END: 100.0, BEFORE: None}),
    ("share_at_stage", AREA, 3, {LIVE: 200 / 3, Q2_END: 50.0, BEFORE: None}),
    ("share_at_stage", AREA, 5, {LIVE: 100 / 3, Q2_END: 0.0, BEFORE: None}),
    ("average_stage", None, None, {LIVE: 3.2, Q2_END: 2.8, BEFORE: None}),
    ("average_stage", THEME, None, {LIVE: 10 / 3, Q2_END: 2.75, BEFORE: None}),
    ("average_stage", AREA, None, {LIVE: 11 / 3, Q2_END: 3.0, BEFORE: None}),
])
def test_maturity_measures(world: World, kind: str, area: str | None, stage: int | None,
                           expected: dict[date | None, float | None]) -> None:
    m = measure(world, world.nps, kind, area, stage)
    for as_at, want in expected.items():
        assert value(m, as_at) == (None if want is None else pytest.approx(want)), as_at


@pytest.mark.parametrize(("kind", "area", "expected"), [
    ("returns_received", None, {LIVE: 75.0, Q2_END: 50.0}),
    ("councils_rated_red", None, {LIVE: 1, Q2_END: 1}),
    ("councils_rated_red", "leadership", {LIVE: 2, Q2_END: 1}),
    ("councils_rated_red", "training", {LIVE: 0, Q2_END: 0}),  # a real zero: returns exist
    ("councils_with_critical_gap", None, {LIVE: 2, Q2_END: 1}),
    ("councils_with_critical_gap", "leadership", {LIVE: 2, Q2_END: 1}),
    ("average_percent", None, {LIVE: 160 / 3, Q2_END: 57.5}),
    ("average_percent", "training", {LIVE: 163 / 3, Q2_END: 60.0}),
])
def test_questionnaire_measures(world: World, kind: str, area: str | None,
                                expected: dict[date | None, float]) -> None:
    m = measure(world, world.cyber, kind, area)
    for as_at, want in expected.items():
        assert value(m, as_at) == pytest.approx(want), as_at
    assert value(m, date(2018, 6, 30)) is None  # before any return: no data, never 0


def test_a_round_with_no_returns_shows_no_data_not_zero(world: World) -> None:
    for kind, stage in (("returns_received", None), ("share_at_stage", 3),
                        ("average_stage", None)):
        m = measure(world, world.nps_2020, kind, stage=stage)
        reading = services.read_measures([m], None)[m.id]
        assert reading.value is None
        assert reading.text == "No data"
    returns = services.read_measures([measure(world, world.nps_2020, "returns_received")], None)
    assert next(iter(returns.values())).detail == "0 of 3 councils invited"


def test_change_since_previous_round(world: World) -> None:
    m = measure(world, world.nps_2019, "share_at_stage", stage=3, change=True, target=20)
    reading = services.read_measures([m], None)[m.id]
    assert reading.value == pytest.approx(100 - 200 / 3)
    assert reading.text == "Up 33.3 percentage points"
    assert reading.target_met is True
    assert [p.text for p in reading.trend] == ["No data", "Up 33.3 percentage points", "No data"]
    # As at 30 September 2018 the 2019 round had not opened: no data, and no later rounds shown.
    early = services.read_measures([m], Q2_END)[m.id]
    assert early.value is None
    assert [p.title for p in early.trend] == ["NPS 2018"]


def test_trend_follows_the_framework_by_opening_date(world: World) -> None:
    m = measure(world, world.nps, "share_at_stage", stage=3, target=50)
    reading = services.read_measures([m], None)[m.id]
    assert [(p.title, p.text, p.current) for p in reading.trend] == [
        ("NPS 2018", "66.7%", True), ("NPS 2019", "100.0%", False), ("NPS 2020", "No data", False)]
    assert (reading.detail, reading.target_text, reading.target_met) == (
        "2 of 3 councils", "50.0%", True)


def test_lower_is_better_targets(world: World) -> None:
    m = measure(world, world.cyber, "councils_rated_red", target=0)
    assert services.read_measures([m], None)[m.id].target_met is False
    m = measure(world, world.cyber, "councils_rated_red", "training", target=0)
    assert services.read_measures([m], None)[m.id].target_met is True


def _statements_to_read_the_dashboard() -> int:
    statements: list[str] = []

    def listener(*args: Any) -> None:
        statements.append(args[2])

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        services.dashboard()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_dashboard_costs_a_fixed_number_of_queries(world: World) -> None:
    measure(world, world.nps, "share_at_stage", AREA, 3)
    few = _statements_to_read_the_dashboard()
    for round_ in (world.nps, world.nps_2019, world.nps_2020):
        for area in (None, THEME, AREA):
            measure(world, round_, "share_at_stage", area, 3)
    measure(world, world.cyber, "councils_rated_red", "leadership")
    services.add_progress_update(world.deliverable, Quarter(2018, 1), "green", "On track", None)
    services.save_deliverable(services.DeliverableData(
        "Another", "", "Team", 2018, 1, False, "", "not_started", "green",
        (services.workstreams()[0].id,)), None)
    assert _statements_to_read_the_dashboard() == few


def test_parameters_are_validated_against_the_framework(world: World) -> None:
    nps = world.nps.framework_version.framework
    cyber = world.cyber.framework_version.framework
    assert validate(nps, "share_at_stage", AREA, 3) == {"item_key": AREA, "stage": 3}
    assert validate(nps, "share_at_stage", THEME, 3, change=True) == {
        "of": "share_at_stage", "section_key": THEME, "stage": 3}
    assert validate(cyber, "councils_rated_red", "training", None) == {"section_key": "training"}
    problems = [
        (nps, "no_such_kind", None, None, "Select a kind of measure"),
        (cyber, "share_at_stage", None, 3, "cannot be measured on a questionnaire"),
        (nps, "councils_rated_red", None, None, "cannot be measured on a maturity"),
        (nps, "share_at_stage", None, None, "Enter a stage from 1 to 5"),
        (nps, "share_at_stage", None, 6, "Enter a stage from 1 to 5"),
        (nps, "share_at_stage", "made-up", 3, "is not a key area, theme or section"),
        (cyber, "councils_rated_red", "L1", None, "Choose a whole section"),
        (nps, "returns_received", THEME, None, "leave the area blank"),
    ]
    for framework, kind, area, stage, message in problems:
        with pytest.raises(MeasureError, match=message):
            validate(framework, kind, area, stage)


def test_adding_a_measure_is_audited_and_refuses_bad_parameters(world: World) -> None:
    from prodmaturity.models import AuditEvent

    with pytest.raises(MeasureError):
        measure(world, world.cyber, "share_at_stage", stage=3)
    m = measure(world, world.nps, "share_at_stage", AREA, 3)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "measure_added"))
    assert event.subject_id == m.id and event.detail["parameters"] == {"item_key": AREA,
                                                                      "stage": 3}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 1


# The Board report ---------------------------------------------------------------------------


@pytest.fixture
def report_world(world: World) -> World:
    d = world.deliverable
    services.add_progress_update(d, Quarter(2018, 1), "amber", "=Launch slipped a week", None)
    services.add_progress_update(d, Quarter(2018, 3), "red", "Later news", None)
    measure(world, world.nps, "returns_received", target=50)
    measure(world, world.nps, "share_at_stage", AREA, 3)
    services.save_deliverable(services.DeliverableData(
        "Supplier support", "", "Procurement team", 2018, 4, False, "", "not_started", "green",
        (services.workstreams()[1].id,)), None)
    services.save_deliverable(services.DeliverableData(
        "Next year's work", "", "Procurement team", 2019, 1, False, "", "not_started", "green",
        (services.workstreams()[0].id,)), None)
    return world


def test_board_report_is_as_at_the_quarter_end(report_world: World) -> None:
    report = board_report(Quarter(2018, 2))
    assert [row.deliverable.title for row in report.rows] == ["Launch the strategy",
                                                              "Supplier support"]
    launch, supplier = report.rows
    assert (launch.rag_label, launch.reported_for) == ("Amber", "2018/19 Q1")
    assert launch.update.narrative == "=Launch slipped a week"
    assert [(r.text, r.detail) for r in launch.readings] == [
        ("40.0%", "2 of 5 councils invited"), ("50.0%", "1 of 2 councils")]
    assert (supplier.rag_label, supplier.readings) == ("Not reported", ())
    q3 = board_report(Quarter(2018, 3)).rows[0]
    assert (q3.rag_label, q3.update.narrative) == ("Red", "Later news")
    assert [r.text for r in q3.readings] == ["60.0%", "66.7%"]


def test_board_report_csv(report_world: World) -> None:
    text = "".join(report_csv(board_report(Quarter(2018, 2))))
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == list(CSV_HEADER)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Progress"] == "'=Launch slipped a week"  # a formula is neutralised
    assert (record["RAG"], record["Value"], record["Value shown"], record["Target"],
            record["Target met"]) == ("Amber", "40.0", "40.0%", "50.0%", "No")
    assert len(rows) == 1 + 2 + 1  # header, two measures, one deliverable without measures
    assert rows[3][CSV_HEADER.index("Measure")] == ""
    assert len(list(csv_rows(board_report(Quarter(2019, 1))))) == 1
