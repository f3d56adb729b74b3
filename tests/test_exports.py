"""CSV exports: round trips against the database, Excel facts, formula injection, scope."""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.councils.register import REGISTER_COLUMNS, read_register_csv
from prodmaturity.exports import csvutil, queries
from prodmaturity.extensions import db
from prodmaturity.models import Assessment, AuditEvent, Council, Response, Round, SectionResult
from prodmaturity.models import AssessmentStatus as S
from tests.factories import load_shipped_framework, make_council
from tests.test_exports_data import (
    HOSTILE,
    TRICKY,
    answer_round,
    read_csv_bytes,
    round_for,
    stream,
)

BOM = b"\xef\xbb\xbf"


# csvutil: pure functions ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE, "=1+1", "+44 20 7946 0000"])
def test_text_a_spreadsheet_would_run_gets_a_quote(text: str) -> None:
    assert csvutil.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Plain", "", " =not first", "1-2", "a@b.example"])
def test_other_text_is_unchanged(text: str) -> None:
    assert csvutil.neutralise(text) == text


def test_numbers_stay_numbers_and_dates_are_iso() -> None:
    from datetime import date, datetime

    assert csvutil.cell(-1.5) == -1.5
    assert csvutil.cell(None) == ""
    assert csvutil.cell(True) == "true"
    assert csvutil.cell(date(2024, 3, 31)) == "2024-03-31"
    assert csvutil.cell(datetime(2024, 3, 31, 16, 5, 7, 999)) == "2024-03-31T16:05:07Z"


def test_csv_text_is_rfc4180_with_bom_and_crlf() -> None:
    text = "".join(csvutil.csv_lines(["a", "b"], [[TRICKY, "x"], ["=1", 2]]))
    assert text.startswith("\ufeffa,b\r\n")
    assert '"Line one\nline two, with a comma and ""quotes"""' in text
    assert text.endswith("'=1,2\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows == [["a", "b"], [TRICKY, "x"], ["'=1", "2"]]


def test_chunks_are_bounded() -> None:
    chunks = list(csvutil.csv_lines(["n"], ([i] for i in range(csvutil.CHUNK_ROWS * 3 + 1))))
    assert len(chunks) == 5  # header, three full chunks, the last row


# Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def nps_round(app: Flask, councils: dict[str, Any], people: dict[str, Any]) -> Round:
    """NPS round: A submitted (hostile and tricky comments), B in progress, Old Mere accepted."""
    version = load_shipped_framework("nps-2018")
    round_ = round_for(version, [councils["a"], councils["b"], councils["gone"]], title="NPS 2019")
    answer_round(round_, author=people["officer"], councils=[councils["a"]],
                 comments={"E07000001": HOSTILE[0]})
    answer_round(round_, status=S.IN_PROGRESS.value, councils=[councils["b"]])
    answer_round(round_, status=S.ACCEPTED.value, councils=[councils["gone"]])
    _set_comments(round_, councils["a"], [*HOSTILE, TRICKY])
    return round_


def _set_comments(round_: Round, council: Council, comments: list[str]) -> None:
    responses = db.session.scalars(
        sa.select(Response).join(Assessment).where(Assessment.round_id == round_.id,
                                                   Assessment.council_id == council.id)
        .order_by(Response.id)).all()
    for response, comment in zip(responses, comments, strict=False):
        response.comment = comment
    db.session.commit()


def _get(client: Any, url: str) -> bytes:
    response = client.get(url, buffered=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return bytes(response.get_data())


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# Responses, long -----------------------------------------------------------------------------


def test_long_export_round_trips_through_csv_and_pandas(nps_round: Round, people: dict[str, Any],
                                                        login_as: Any) -> None:
    data = _get(login_as(people["analyst"]), f"/exports/rounds/{nps_round.id}/responses-long.csv")
    rows = _rows(data)
    frame = read_csv_bytes(data)
    assert list(frame.columns) == list(queries.LONG_COLUMNS)
    assert frame.to_dict("records") == rows  # pandas and csv agree cell for cell

    framework = nps_round.framework_version.framework
    items = list(framework.items())
    # Default: submitted and accepted only (A and Old Mere), ordered by GSS code.
    assert [r["council_gss_code"] for r in rows] == ["E07000001"] * len(items) + [
        "E07000003"] * len(items)
    expected = db.session.execute(
        sa.select(Council.gss_code, Response.item_key, Response.current_stage,
                  Response.target_stage, Response.comment, Assessment.status)
        .join(Assessment, Assessment.id == Response.assessment_id)
        .join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == nps_round.id, Assessment.status.in_(["submitted",
                                                                          "accepted"]))
    ).all()
    by_key = {(r["council_gss_code"], r["item_key"]): r for r in rows}
    assert len(expected) == len(rows)
    for gss, key, current, target, comment, status in expected:
        row = by_key[(gss, key)]
        assert row["answer_value"] == str(current)
        assert row["answer_label"] == framework.stage(current).name
        assert row["target_stage_number"] == str(target)
        assert row["target_stage_name"] == framework.stage(target).name
        assert row["comment"] == ("" if comment is None else csvutil.neutralise(comment))
        assert row["assessment_status"] == status
        assert row["item_title"] == framework.item(key).title
        assert row["section_key"] == framework.section_of(key).key
    first = rows[0]
    assert first["framework_slug"] == "nps-2018" and first["round_title"] == "NPS 2019"
    assert first["council_name"] == "Alderley District Council"
    assert first["council_region"] == "North West" and first["council_type"] == "district"
    assert first["submitted_at"] == "2024-03-31T16:05:07Z"
    assert first["last_changed_at"] == "2024-03-31T16:05:07Z"
    assert first["last_changed_by"] == people["officer"].name


def test_excel_compatibility_facts(nps_round: Round, people: dict[str, Any],
                                   login_as: Any) -> None:
    response = login_as(people["analyst"]).get(
        f"/exports/rounds/{nps_round.id}/responses-long.csv", buffered=True)
    data = bytes(response.get_data())
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert data.startswith(BOM + b"round_id,round_title,")
    # Every line ends CRLF; the only bare LF is the one inside the quoted multi-line comment.
    assert data.count(b"\n") == data.count(b"\r\n") + 1
    assert b'"Line one\nline two, with a comma and ""quotes"""' in data
    assert data.endswith(b"\r\n")


def test_hostile_comments_are_neutralised_in_csv(nps_round: Round, people: dict[str, Any],
                                                 login_as: Any) -> None:
    data = _get(login_as(people["analyst"]), f"/exports/rounds/{nps_round.id}/responses-long.csv")
    comments = [r["comment"] for r in _rows(data)]
    for hostile in HOSTILE:
        assert "'" + hostile in comments
    for row in _rows(data):
        for value in row.values():
            assert not value.startswith(csvutil.FORMULA_STARTS), value


def test_status_all_adds_assessments_not_yet_submitted(nps_round: Round, people: dict[str, Any],
                                                       login_as: Any) -> None:
    client = login_as(people["admin"])
    url = f"/exports/rounds/{nps_round.id}/responses-wide.csv"
    default = {r["council_gss_code"]: r for r in _rows(_get(client, url))}
    everything = {r["council_gss_code"]: r for r in _rows(_get(client, url + "?status=all"))}
    assert set(default) == {"E07000001", "E07000003"}
    assert set(everything) == {"E07000001", "E06000002", "E07000003"}
    assert everything["E06000002"]["assessment_status"] == "in_progress"


def test_council_users_get_only_their_own_council(nps_round: Round, people: dict[str, Any],
                                                  login_as: Any) -> None:
    client = login_as(people["officer"])
    for export in ("responses-long", "responses-wide", "results"):
        for query in ("", "?status=all"):
            data = _get(client, f"/exports/rounds/{nps_round.id}/{export}.csv{query}")
            assert {r["council_gss_code"] for r in _rows(data)} == {"E07000001"}
            assert b"Brackenshire" not in data and b"Old Mere" not in data
    # Council B's in-progress assessment is theirs to export, whatever its status.
    other = login_as(people["other_lead"])
    rows = _rows(_get(other, f"/exports/rounds/{nps_round.id}/responses-wide.csv"))
    assert [r["council_gss_code"] for r in rows] == ["E06000002"]
    assert rows[0]["assessment_status"] == "in_progress"


def test_council_users_cannot_export_rounds_they_are_not_in(app: Flask, councils: dict[str, Any],
                                                            people: dict[str, Any],
                                                            login_as: Any) -> None:
    version = load_shipped_framework("nps-2018")
    only_b = round_for(version, [councils["b"]])
    client = login_as(people["officer"])
    for export in ("responses-long.csv", "responses-wide.csv", "results.csv", "aggregates.csv",
                   "round.xlsx"):
        assert client.get(f"/exports/rounds/{only_b.id}/{export}").status_code == 404
    assert login_as(people["analyst"]).get(
        f"/exports/rounds/{only_b.id}/results.csv").status_code == 200
    assert client.get("/exports/rounds/999999/results.csv").status_code == 404


# Responses, wide, and results ----------------------------------------------------------------


def test_wide_export_has_one_column_per_item(nps_round: Round, people: dict[str, Any],
                                             login_as: Any) -> None:
    data = _get(login_as(people["analyst"]), f"/exports/rounds/{nps_round.id}/responses-wide.csv")
    frame = read_csv_bytes(data)
    framework = nps_round.framework_version.framework
    assert list(frame.columns) == [*queries.COUNCIL_COLUMNS, *(i.key for i in framework.items())]
    stages = dict(db.session.execute(
        sa.select(Response.item_key, Response.current_stage).join(Assessment)
        .join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == nps_round.id, Council.gss_code == "E07000001")).all())
    row = frame.set_index("council_gss_code").loc["E07000001"]
    assert {key: int(row[key]) for key in stages} == stages


def test_results_export_matches_stored_results(app: Flask, councils: dict[str, Any],
                                               people: dict[str, Any], login_as: Any) -> None:
    version = load_shipped_framework("cyber-stocktake-2018")
    round_ = round_for(version, [councils["a"], councils["b"]])
    answer_round(round_)
    data = _get(login_as(people["analyst"]), f"/exports/rounds/{round_.id}/results.csv")
    frame = read_csv_bytes(data)
    framework = version.framework
    assert list(frame.columns) == list(queries.results_columns(framework))
    assert "overall_rag" in frame.columns and "leadership__band" in frame.columns
    stored = {a.council.gss_code: a for a in db.session.scalars(
        sa.select(Assessment).where(Assessment.round_id == round_.id))}
    sections = {(r.assessment_id, r.section_key): r for r in db.session.scalars(
        sa.select(SectionResult))}
    for _, row in frame.iterrows():
        a = stored[row["council_gss_code"]]
        assert float(row["overall_percent"]) == pytest.approx(a.overall_percent)
        assert row["overall_band"] == a.overall_band
        assert row["overall_rag"] == ("amber" if a.overall_band.startswith("amber")
                                      else a.overall_band)
        assert int(row["critical_failures"]) == a.critical_failures
        for section in framework.sections:
            stored_section = sections[(a.id, section.key)]
            assert row[f"{section.key}__band"] == stored_section.band
            assert float(row[f"{section.key}__percent"]) == pytest.approx(stored_section.percent)


def test_questionnaire_answers_show_labels_and_points(app: Flask, councils: dict[str, Any],
                                                      people: dict[str, Any],
                                                      login_as: Any) -> None:
    version = load_shipped_framework("cyber-stocktake-2018")
    round_ = round_for(version, [councils["a"]])
    answer_round(round_)
    rows = _rows(_get(login_as(people["lead"]),
                      f"/exports/rounds/{round_.id}/responses-long.csv"))
    by_item = {r["item_key"]: r for r in rows}
    framework = version.framework
    l1 = framework.item("L1")
    assert by_item["L1"]["answer_value"] == l1.options[0].value
    assert by_item["L1"]["answer_label"] == l1.options[0].label
    assert float(by_item["L1"]["points"]) == 0.0
    assert float(by_item["L1"]["max_points"]) > 0
    g9 = framework.item("G9")
    assert by_item["G9"]["answer_value"] == g9.options[0].value
    assert by_item["G9"]["answer_label"] == g9.options[0].label
    assert by_item["L9"]["answer_value"] == "10" and by_item["L9"]["answer_label"] == ""
    assert by_item["P9"]["answer_value"] == "Partnership 0"


# Two framework versions ----------------------------------------------------------------------


def test_rounds_of_different_framework_versions_stack(app: Flask, councils: dict[str, Any],
                                                      people: dict[str, Any],
                                                      login_as: Any) -> None:
    from prodmaturity.frameworks import SHIPPED_FRAMEWORKS_DIR, parse_framework
    from prodmaturity.frameworks.store import store_framework

    first = load_shipped_framework("cyber-stocktake-2018")
    text = (SHIPPED_FRAMEWORKS_DIR / "cyber-stocktake-2018.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2018.1"', 'version: "2019.1"')
    text = text.replace("- key: L4\n", "- key: L4A\n")  # a renamed question
    text = text.replace("  - key: governance\n", """      - key: L10
        type: yes_no_partly
        title: A new question
        text: Is there a new question?
  - key: governance
""")  # an extra question
    second = store_framework(parse_framework(text, "edited.yaml")).version
    old = round_for(first, [councils["a"], councils["b"]], title="2018 round")
    new = round_for(second, [councils["a"], councils["b"]], title="2019 round")
    answer_round(old)
    answer_round(new)
    client = login_as(people["analyst"])

    wide_old = read_csv_bytes(_get(client, f"/exports/rounds/{old.id}/responses-wide.csv"))
    wide_new = read_csv_bytes(_get(client, f"/exports/rounds/{new.id}/responses-wide.csv"))
    assert "L4" in wide_old.columns and "L4A" not in wide_old.columns
    assert {"L4A", "L10"} <= set(wide_new.columns) and "L4" not in wide_new.columns
    assert len(wide_old) == len(wide_new) == 2

    long_old = read_csv_bytes(_get(client, f"/exports/rounds/{old.id}/responses-long.csv"))
    long_new = read_csv_bytes(_get(client, f"/exports/rounds/{new.id}/responses-long.csv"))
    assert list(long_old.columns) == list(long_new.columns)
    stacked = pd.concat([long_old, long_new], ignore_index=True)
    assert list(stacked.columns) == list(queries.LONG_COLUMNS)
    assert len(stacked) == 2 * len(list(first.framework.items())) + 2 * len(
        list(second.framework.items()))
    assert set(stacked["framework_version"]) == {"2018.1", "2019.1"}
    new_keys = set(stacked.loc[stacked["framework_version"] == "2019.1", "item_key"])
    assert {"L4A", "L10"} <= new_keys and "L4" not in new_keys
    for url in (f"/exports/rounds/{old.id}/results.csv", f"/exports/rounds/{new.id}/round.xlsx"):
        assert client.get(url).status_code == 200


# The register, aggregates, audit and the index -----------------------------------------------


def test_register_export_reads_back_as_the_register(app: Flask, councils: dict[str, Any],
                                                    people: dict[str, Any],
                                                    login_as: Any) -> None:
    data = _get(login_as(people["analyst"]), "/exports/councils.csv")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(REGISTER_COLUMNS)
    records = read_register_csv(io.StringIO(text, newline=""))
    assert [r.gss_code for r in records] == ["E06000002", "E07000001", "E07000003"]
    gone = next(r for r in records if r.gss_code == "E07000003")
    assert gone.end_date is not None and gone.end_date.isoformat() == "2019-04-01"
    assert login_as(people["lead"]).get("/exports/councils.csv").status_code == 403


def test_aggregates_export_suppresses_small_groups_for_councils(nps_round: Round,
                                                                people: dict[str, Any],
                                                                login_as: Any) -> None:
    lga = _rows(_get(login_as(people["analyst"]),
                     f"/exports/rounds/{nps_round.id}/aggregates.csv"))
    council = _rows(_get(login_as(people["lead"]),
                         f"/exports/rounds/{nps_round.id}/aggregates.csv"))
    lga_items = [r for r in lga if r["table"] == "items" and r["metric"] == "answered"]
    assert lga_items and all(r["value"] == "2" and r["suppressed"] == "" for r in lga_items)
    council_items = [r for r in council if r["table"] == "items"]
    assert council_items and all(r["value"] == "" and r["suppressed"] for r in council_items)
    assert b"Alderley" not in _get(login_as(people["lead"]),
                                   f"/exports/rounds/{nps_round.id}/aggregates.csv")


def test_every_export_is_audited(nps_round: Round, people: dict[str, Any],
                                 login_as: Any) -> None:
    client = login_as(people["analyst"])
    _get(client, f"/exports/rounds/{nps_round.id}/responses-long.csv?status=all")
    _get(client, "/exports/councils.csv")
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")
                                .order_by(AuditEvent.id)).all()
    assert [e.detail["export"] for e in events] == ["responses-long", "council-register"]
    assert events[0].actor_id == people["analyst"].id
    assert events[0].detail["round_id"] == nps_round.id and events[0].detail["statuses"] == "all"


def test_exports_stream(app: Flask, nps_round: Round, people: dict[str, Any],
                       login_as: Any) -> None:
    url = f"/exports/rounds/{nps_round.id}/responses-long.csv"
    status, chunks = stream(app, login_as(people["analyst"]), url)
    assert status.startswith("200")
    assert len(chunks) >= 2 and chunks[0].startswith(BOM)
    assert b"".join(chunks) == _get(login_as(people["analyst"]), url)


def test_index_lists_exports_with_row_counts(nps_round: Round, people: dict[str, Any],
                                             login_as: Any) -> None:
    items = len(list(nps_round.framework_version.framework.items()))
    lga = login_as(people["analyst"]).get("/exports").get_data(as_text=True)
    assert "NPS 2019" in lga and "Council register" in lga
    assert f">{2 * items}<" in lga  # submitted and accepted: A and Old Mere
    everything = login_as(people["analyst"]).get("/exports?status=all").get_data(as_text=True)
    assert f">{3 * items}<" in everything
    council = login_as(people["officer"]).get("/exports").get_data(as_text=True)
    assert f">{items}<" in council and "Council register" not in council


def test_index_query_count_does_not_grow_with_councils(app: Flask, councils: dict[str, Any],
                                                       people: dict[str, Any],
                                                       login_as: Any) -> None:
    version = load_shipped_framework("nps-2018")
    round_ = round_for(version, [councils["a"], councils["b"]])
    client = login_as(people["analyst"])
    few = _count_queries(app, lambda: client.get("/exports"))
    extra = [make_council(f"E0700{n:04d}", f"Extra {n} Council") for n in range(100, 120)]
    db.session.add_all(Assessment(round_id=round_.id, council_id=c.id) for c in extra)
    db.session.commit()
    assert _count_queries(app, lambda: client.get("/exports")) == few


def _count_queries(app: Flask, action: Any) -> int:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert action().status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])
