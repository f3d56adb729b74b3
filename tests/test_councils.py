"""The council register: the shipped file against mySociety's, and ``flask councils``."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity.councils.cli import councils_cli
from prodmaturity.councils.register import (
    REGISTER_COLUMNS,
    CouncilRecord,
    RegisterError,
    read_mysociety_csv,
    read_register_csv,
    shipped_register_path,
)
from prodmaturity.extensions import db
from prodmaturity.models.council import Council, CouncilType

REFERENCE = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "uk_local_authorities.csv"
)
HEADER = ",".join(REGISTER_COLUMNS)
REFERENCE_TYPES = {
    "County": "county",
    "Non-metropolitan district": "district",
    "Unitary authority": "unitary",
    "Metropolitan district": "metropolitan_district",
    "London borough": "london_borough",
    "City corporation": "city_corporation",
}


@pytest.fixture
def register_app(tmp_path: Path) -> Flask:
    from prodmaturity import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't.db'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def reference_path() -> Path:
    if not REFERENCE.is_file():
        pytest.skip(
            "reference register ../shared/data/uk_local_authorities.csv not present: "
            f"mySociety's UK local authorities file was expected at {REFERENCE}"
        )
    return REFERENCE


def run(app: Flask, *args: str):
    result = app.test_cli_runner().invoke(councils_cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def council_count(app: Flask, *where: sa.ColumnElement[bool]) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Council.id)).where(*where))


def shipped_records() -> list[CouncilRecord]:
    with shipped_register_path().open(encoding="utf-8", newline="") as stream:
        return read_register_csv(stream)


def reference_councils(path: Path) -> dict[str, dict[str, str]]:
    """England's principal councils in mySociety's file, read without the app's code."""
    with path.open(encoding="utf-8", newline="") as stream:
        return {
            row["gss-code"]: row
            for row in csv.DictReader(stream)
            if row["nation"] == "England" and row["local-authority-type-name"] in REFERENCE_TYPES
        }


# The shipped register ----------------------------------------------------------------------------


def test_shipped_register_matches_reference(reference_path: Path) -> None:
    reference = reference_councils(reference_path)
    records = {record.gss_code: record for record in shipped_records()}

    assert len(records) == len(reference) == 365
    assert records.keys() == reference.keys()
    for code, record in records.items():
        row = reference[code]
        # mySociety has one stray double space ("North Somerset  Council"), collapsed in ours.
        assert record.name == " ".join(row["official-name"].split()), code
        assert record.short_name == row["nice-name"], code
        assert record.type.value == REFERENCE_TYPES[row["local-authority-type-name"]], code
        if row["region"]:
            assert record.region == row["region"], code
        assert (record.end_date is None) == (row["current-authority"] == "True"), code
    assert sum(record.end_date is None for record in records.values()) == 317
    assert sum(record.end_date is not None for record in records.values()) == 48


def test_shipped_register_successors_and_dates() -> None:
    records = {record.gss_code: record for record in shipped_records()}
    cumbria, poole = records["E10000006"], records["E06000029"]
    assert (
        cumbria.successor_gss_code == "E06000063;E06000064"
    )  # Cumberland; Westmorland and Furness
    assert cumbria.end_date == date(2023, 4, 1)
    assert (poole.region, poole.start_date, poole.end_date) == (
        "South West",
        None,
        date(2019, 4, 1),
    )
    assert records["E06000060"].start_date == date(2020, 4, 1)  # Buckinghamshire Council
    for record in records.values():
        for successor in (record.successor_gss_code or "").split(";"):
            assert not successor or successor in records, record.gss_code
        assert record.start_date is None or record.start_date > date(2018, 1, 1)
        assert record.end_date is None or (record.end_date.month, record.end_date.day) == (4, 1)
        assert bool(record.end_date) == bool(record.successor_gss_code), record.gss_code


def test_load_counts_councils_active_on_1_july_2018(register_app: Flask) -> None:
    result = run(register_app, "load")

    assert result.exit_code == 0
    assert result.output == "Loaded 365 councils: 365 created, 0 updated, 0 unchanged\n"
    assert council_count(register_app) == 365
    assert council_count(register_app, Council.active_on_clause(date(2018, 7, 1))) == 353
    assert council_count(register_app, Council.end_date.is_(None)) == 317
    assert council_count(register_app, Council.active_on_clause(date(2023, 4, 1))) == 317


def test_load_twice_changes_nothing(register_app: Flask) -> None:
    run(register_app, "load")
    result = run(register_app, "load")

    assert result.output == "Loaded 365 councils: 0 created, 0 updated, 365 unchanged\n"


def test_load_puts_back_a_changed_council(register_app: Flask) -> None:
    run(register_app, "load")
    with register_app.app_context():
        council = db.session.scalar(sa.select(Council).filter_by(gss_code="E09000001"))
        council.name, council.end_date = "Changed", date(2030, 4, 1)
        db.session.commit()

    assert "0 created, 1 updated, 364 unchanged" in run(register_app, "load").output
    with register_app.app_context():
        council = db.session.scalar(sa.select(Council).filter_by(gss_code="E09000001"))
        assert (council.name, council.end_date) == ("City of London Corporation", None)


def test_app_registers_the_councils_commands(register_app: Flask) -> None:
    assert register_app.cli.commands.get("councils") is councils_cli


# Import and export ------------------------------------------------------------------------------


def test_import_of_the_reference_gives_the_shipped_register(
    register_app: Flask, reference_path: Path
) -> None:
    result = run(register_app, "import", str(reference_path))

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported 365 councils: 365 created, 0 updated, 0 unchanged")
    exported = run(register_app, "export").output
    assert exported == shipped_register_path().read_text(encoding="utf-8")


def test_export_writes_the_register_and_reimports_unchanged(
    register_app: Flask, tmp_path: Path
) -> None:
    run(register_app, "load")
    result = run(register_app, "export")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 366
    assert lines[1:] == sorted(lines[1:])
    exported = tmp_path / "export.csv"
    exported.write_text(result.stdout, encoding="utf-8")
    assert (
        "0 created, 0 updated, 365 unchanged" in run(register_app, "import", str(exported)).output
    )


def test_export_of_an_empty_register_is_the_header(register_app: Flask) -> None:
    assert run(register_app, "export").stdout == HEADER + "\n"


VALID_ROW = "E06000001,Hartlepool Borough Council,Hartlepool,unitary,North East,,,"


@pytest.mark.parametrize(
    ("bad_lines", "where"),
    [
        (["gss,name,type", "E06000001,Hartlepool,unitary"], "Row 1"),
        ([HEADER, VALID_ROW, "W06000001,Cardiff,Cardiff,unitary,Wales,,,"], "Row 3, column gss_code"),
        ([HEADER, VALID_ROW, "E07000223,Adur,Adur,borough,South East,,,"], "Row 3, column type"),
        ([HEADER, VALID_ROW, "E07000223,Adur,Adur,district,South East,,31/03/2019,"], "Row 3, column end_date"),
        ([HEADER, VALID_ROW, "E07000223,Adur,Adur,district,Sussex,,,"], "Row 3, column region"),
        ([HEADER, VALID_ROW, "E07000223,Adur,Adur,county,South East,,,"], "Row 3, column type"),
        ([HEADER, VALID_ROW, VALID_ROW], "Row 3, column gss_code"),
        ([HEADER, VALID_ROW, "E07000223,Adur,Adur,district,South East,,,E0600"], "Row 3, column successor_gss_code"),
        ([HEADER, VALID_ROW, "E07000223,Adur,Adur,district,South East,,,E06000001"], "Row 3, column end_date"),
        ([HEADER, VALID_ROW, "E07000223,,Adur,district,South East,,,"], "Row 3, column name"),
        ([HEADER, VALID_ROW, "E07000223,Adur,district,South East,,,"], "Row 3"),
    ],
)  # fmt: skip
def test_import_refuses_a_bad_file_and_writes_nothing(
    register_app: Flask, tmp_path: Path, bad_lines: list[str], where: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(bad_lines) + "\n", encoding="utf-8")

    result = run(register_app, "import", str(bad))

    assert result.exit_code == 1
    assert f"{bad}: {where}" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert result.stdout == ""
    assert council_count(register_app) == 0


def test_a_bad_file_leaves_loaded_councils_alone(register_app: Flask, tmp_path: Path) -> None:
    run(register_app, "load")
    bad = tmp_path / "bad.csv"
    renamed = VALID_ROW.replace("Hartlepool Borough Council", "Renamed")
    bad.write_text(f"{HEADER}\n{renamed}\nE06000002,X,X,unitary,North East,2019-02-30,,\n")

    result = run(register_app, "import", str(bad))

    assert result.exit_code == 1
    assert "Row 3, column start_date: '2019-02-30' is not a date" in result.stderr
    assert "0 created, 0 updated, 365 unchanged" in run(register_app, "load").output


# The readers, without the app --------------------------------------------------------------------

MYSOCIETY_SAMPLE = """\
local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type-name,current-authority
CMA,Cumbria County Council,Cumbria,E10000006,,2023-04-01,"CBD,WAF",England,North West,County,False
CBD,Cumberland Council,Cumberland,E06000063,2023-04-01,,,England,North West,Unitary authority,True
WAF,Westmorland and Furness Council,Westmorland and Furness,E06000064,2023-04-01,,,England,North West,Unitary authority,True
POL,Borough of Poole,Poole,E06000029,1997-04-01,2019-03-31,BPC,England,,Unitary authority,False
BPC,"Bournemouth, Christchurch and Poole Council","Bournemouth, Christchurch and Poole",E06000058,2019-04-01,,,England,South West,Unitary authority,True
NSM,North Somerset  Council,North Somerset,E06000024,2005-06-19,,,England,South West,Unitary authority,True
CRD,Cardiff Council,Cardiff,W06000015,,,,Wales,Wales,Welsh unitary authority,True
LIV,Liverpool City Region Combined Authority,Liverpool City Region,E47000004,,,,England,North West,Combined authority,True
"""


def test_read_mysociety_csv_applies_the_register_rules() -> None:
    records = {r.gss_code: r for r in read_mysociety_csv(io.StringIO(MYSOCIETY_SAMPLE))}

    assert list(records) == sorted(records)
    assert set(records) == {
        "E06000024",
        "E06000029",
        "E06000058",
        "E06000063",
        "E06000064",
        "E10000006",
    }
    assert records["E10000006"] == CouncilRecord(
        "E10000006", "Cumbria County Council", "Cumbria", CouncilType.COUNTY, "North West",
        None, date(2023, 4, 1), "E06000063;E06000064",
    )  # fmt: skip
    assert records["E06000029"].region == "South West"  # blank in the source
    assert records["E06000029"].start_date is None  # 1997: before the register begins
    assert records["E06000029"].end_date == date(2019, 4, 1)  # 31 March -> vesting day
    assert records["E06000029"].successor_gss_code == "E06000058"
    assert records["E06000058"].start_date == date(2019, 4, 1)
    assert records["E06000024"].name == "North Somerset Council"
    assert records["E06000024"].start_date is None


def test_read_mysociety_csv_names_an_unknown_successor() -> None:
    sample = MYSOCIETY_SAMPLE.replace('"CBD,WAF"', '"CBD,XYZ"')

    with pytest.raises(RegisterError) as caught:
        read_mysociety_csv(io.StringIO(sample))

    assert (caught.value.row, caught.value.column) == (2, "replaced-by")
    assert "'XYZ' is not a local-authority-code" in str(caught.value)


def test_read_register_csv_round_trips_the_dataclass() -> None:
    row = (
        "E10000006,Cumbria County Council,Cumbria,county,North West,,2023-04-01,E06000063;E06000064"
    )
    text = f"{HEADER}\n{row}\n"

    [record] = read_register_csv(io.StringIO(text))

    assert record.type is CouncilType.COUNTY
    assert record.column_values()["type"] == "county"
    assert record.end_date == date(2023, 4, 1)
