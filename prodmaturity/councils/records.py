"""A council record and the checks every register row passes, whichever file it came from."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import IO, Any, TypeVar

from ..models.council import Council, CouncilType

T = TypeVar("T")

SUCCESSOR_SEPARATOR = ";"
GSS_CODE = re.compile(r"E0[6-9]\d{6}|E10\d{6}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The ONS entity code (a GSS code's first three characters) fixes which kinds of council it names.
GSS_PREFIX_TYPES = {
    "E06": {CouncilType.UNITARY},
    "E07": {CouncilType.DISTRICT},
    "E08": {CouncilType.METROPOLITAN_DISTRICT},
    "E09": {CouncilType.LONDON_BOROUGH, CouncilType.CITY_CORPORATION},
    "E10": {CouncilType.COUNTY},
}
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)


class RegisterError(ValueError):
    """A register file that cannot be loaded: where (row = line of the file, column) and why."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.message, self.row, self.column = message, row, column
        where = [f"row {row}"] if row else []
        where += [f"column {column}"] if column else []
        super().__init__(f"{', '.join(where).capitalize()}: {message}" if where else message)


@dataclass(frozen=True)
class CouncilRecord:
    """One council as the register describes it: the ``Council`` model's columns, checked."""

    gss_code: str
    name: str
    short_name: str
    type: CouncilType
    region: str
    start_date: date | None = None  # only for councils created after 1 January 2018
    end_date: date | None = None  # the successor's vesting day: the first day without it
    successor_gss_code: str | None = None  # several successors joined with ";"

    @classmethod
    def from_council(cls, council: Council) -> CouncilRecord:
        values = {name: getattr(council, name) for name in cls.__dataclass_fields__}
        return cls(**values | {"type": CouncilType(council.type)})

    def column_values(self) -> dict[str, Any]:
        """Values for the ``Council`` model's columns."""
        return asdict(self) | {"type": self.type.value}


def dict_rows(stream: IO[str], required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers, refusing a header without ``required``."""
    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if not header:
        raise RegisterError("the file is empty", row=1)
    missing = [column for column in required if column not in header]
    if missing:
        raise RegisterError(f"the header has no {', '.join(missing)} column", row=1)
    for row in reader:
        if None in row or None in row.values():
            raise RegisterError(
                f"the number of values differs from the header's {len(header)} columns",
                row=reader.line_num,
            )
        yield reader.line_num, row


def parse_cell(value: str, parse: Callable[[str], T], *, row: int, column: str) -> T:
    """Parse one cell, turning the parser's ``ValueError`` into a ``RegisterError``."""
    try:
        return parse(value)
    except ValueError as error:
        raise RegisterError(str(error), row=row, column=column) from None


def parse_text(value: str) -> str:
    # Collapse runs of spaces: the source has the odd one ("North Somerset  Council").
    text = " ".join(value.split())
    if not text:
        raise ValueError("is blank")
    return text


def parse_gss_code(value: str) -> str:
    code = value.strip()
    if not GSS_CODE.fullmatch(code):
        raise ValueError(
            f"'{code}' is not an English council GSS code "
            "(E06, E07, E08, E09 or E10 followed by 6 digits)"
        )
    return code


def parse_type(value: str) -> CouncilType:
    try:
        return CouncilType(value.strip())
    except ValueError:
        choices = ", ".join(kind.value for kind in CouncilType)
        raise ValueError(f"'{value.strip()}' is not a council type: use one of {choices}") from None


def parse_region(value: str) -> str:
    region = " ".join(value.split())
    if region not in REGIONS:
        found = f"'{region}' is not an English region" if region else "is blank"
        raise ValueError(f"{found}: use one of {', '.join(REGIONS)}")
    return region


def parse_optional_date(value: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD")


def parse_successors(value: str) -> str | None:
    codes = [parse_gss_code(code) for code in value.split(SUCCESSOR_SEPARATOR) if code.strip()]
    return SUCCESSOR_SEPARATOR.join(codes) or None


def check_record(
    record: CouncilRecord, *, row: int, columns: Mapping[str, str] | None = None
) -> None:
    """Checks across a row's cells; ``columns`` names the file's columns if not ours."""

    def fail(field: str, message: str) -> RegisterError:
        return RegisterError(message, row=row, column=(columns or {}).get(field, field))

    prefix = record.gss_code[:3]
    if record.type not in GSS_PREFIX_TYPES[prefix]:
        kinds = " or ".join(sorted(kind.value for kind in GSS_PREFIX_TYPES[prefix]))
        raise fail(
            "type", f"'{record.type.value}' does not fit GSS code {record.gss_code} ({kinds})"
        )
    if record.start_date and record.end_date and record.end_date <= record.start_date:
        raise fail("end_date", f"{record.end_date} is not after the start date {record.start_date}")
    successors = (record.successor_gss_code or "").split(SUCCESSOR_SEPARATOR)
    if record.successor_gss_code and not record.end_date:
        raise fail("end_date", "is blank, but the council has a successor")
    if record.gss_code in successors:
        raise fail("successor_gss_code", f"{record.gss_code} cannot succeed itself")


def unique_sorted(
    numbered: Iterable[tuple[int, CouncilRecord]], *, column: str = "gss_code"
) -> list[CouncilRecord]:
    """Refuse a GSS code given twice; return the records sorted by GSS code."""
    seen: dict[str, tuple[int, CouncilRecord]] = {}
    for row, record in numbered:
        if record.gss_code in seen:
            first = seen[record.gss_code][0]
            raise RegisterError(f"{record.gss_code} is also on row {first}", row=row, column=column)
        seen[record.gss_code] = (row, record)
    return [record for _, record in sorted(seen.values(), key=lambda item: item[1].gss_code)]
