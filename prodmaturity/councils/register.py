"""The council register: read it from CSV, load it into the database, write it back out.

Two CSV formats give the same records: our own (``prodmaturity/data/councils.csv``, and what
``flask councils export`` writes, in ``REGISTER_COLUMNS``) and mySociety's register of UK local
authorities, from which ours was generated (see ``mysociety.py`` for the rules).

Nothing here needs a request; ``upsert_councils`` uses ``db.session`` inside an app context.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from ..extensions import db
from ..models.council import Council
from .mysociety import COLUMNS as MYSOCIETY_FIELD_COLUMNS
from .mysociety import MYSOCIETY_COLUMNS, mysociety_records
from .records import (
    CouncilRecord,
    RegisterError,
    check_record,
    dict_rows,
    parse_cell,
    parse_gss_code,
    parse_optional_date,
    parse_region,
    parse_successors,
    parse_text,
    parse_type,
    unique_sorted,
)

__all__ = [
    "REGISTER_COLUMNS",
    "CouncilRecord",
    "RegisterError",
    "UpsertResult",
    "read_councils_csv",
    "read_mysociety_csv",
    "read_register_csv",
    "shipped_register_path",
    "upsert_councils",
    "write_register_csv",
]

REGISTER_COLUMNS = (
    "gss_code",
    "name",
    "short_name",
    "type",
    "region",
    "start_date",
    "end_date",
    "successor_gss_code",
)
PARSERS = {
    "gss_code": parse_gss_code,
    "name": parse_text,
    "short_name": parse_text,
    "type": parse_type,
    "region": parse_region,
    "start_date": parse_optional_date,
    "end_date": parse_optional_date,
    "successor_gss_code": parse_successors,
}


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def shipped_register_path() -> Path:
    """The register the app ships as its own reference data (``flask councils load``)."""
    return Path(__file__).resolve().parent.parent / "data" / "councils.csv"


def read_register_csv(stream: IO[str]) -> list[CouncilRecord]:
    """Read and check our own format, sorted by GSS code; ``RegisterError`` on the first fault."""
    return unique_sorted(
        _register_record(line, row) for line, row in dict_rows(stream, REGISTER_COLUMNS)
    )


def read_mysociety_csv(stream: IO[str]) -> list[CouncilRecord]:
    """Read mySociety's register of UK local authorities: England's principal councils."""
    return unique_sorted(mysociety_records(stream), column=MYSOCIETY_FIELD_COLUMNS["gss_code"])


def read_councils_csv(stream: IO[str]) -> list[CouncilRecord]:
    """Read either format, told apart by the header row."""
    text = stream.read()
    header = set(next(csv.reader(io.StringIO(text)), []))
    if set(REGISTER_COLUMNS) <= header:
        return read_register_csv(io.StringIO(text))
    if header >= MYSOCIETY_COLUMNS:
        return read_mysociety_csv(io.StringIO(text))
    raise RegisterError(
        f"the header is not {','.join(REGISTER_COLUMNS)} (nor mySociety's local authority columns)",
        row=1,
    )


def _register_record(line: int, row: dict[str, str]) -> tuple[int, CouncilRecord]:
    values = {
        column: parse_cell(row[column], parse, row=line, column=column)
        for column, parse in PARSERS.items()
    }
    record = CouncilRecord(**values)
    check_record(record, row=line)
    return line, record


def upsert_councils(records: Iterable[CouncilRecord]) -> UpsertResult:
    """Create or update councils by GSS code, in one transaction; loading twice changes nothing.

    Councils missing from ``records`` are left alone: a file may hold only some of them, and
    assessments refer to councils long after they are abolished.
    """
    records = list(records)
    if len({record.gss_code for record in records}) != len(records):
        raise RegisterError("a GSS code appears more than once")
    existing = {council.gss_code: council for council in db.session.scalars(sa.select(Council))}
    created = updated = 0
    try:
        for record in records:
            values = record.column_values()
            council = existing.get(record.gss_code)
            if council is None:
                db.session.add(Council(**values))
                created += 1
            elif any(getattr(council, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(council, name, value)
                updated += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return UpsertResult(created, updated, len(records) - created - updated)


def write_register_csv(stream: IO[str], councils: Iterable[Council | CouncilRecord]) -> None:
    """Write councils in our format, sorted by GSS code (what ``read_register_csv`` reads)."""
    records = [
        item if isinstance(item, CouncilRecord) else CouncilRecord.from_council(item)
        for item in councils
    ]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for record in sorted(records, key=lambda record: record.gss_code):
        values = record.column_values()
        writer.writerow(_cell(values[column]) for column in REGISTER_COLUMNS)


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
