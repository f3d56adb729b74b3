"""mySociety's "UK Local Authority Names and Codes" (uk_la_past_current) as council records.

The shipped register was generated from this file (``flask councils import`` then ``export``);
these are the rules that turn its rows into ours:

* England's principal councils only: combined and strategic authorities are not councils that
  complete a self-assessment;
* the short name is mySociety's ``nice-name``;
* ``replaced-by`` lists mySociety's own three-letter codes; we store the successors' GSS codes;
* ``end-date`` mixes the last day (31 March) and the successor's vesting day (1 April); we store
  the vesting day, the first day the council no longer existed;
* ``start-date`` is kept only for councils created since the register begins (2018): earlier
  dates in the source are record-keeping artefacts (e.g. 2005-06-19), not creation dates;
* a blank ``region`` is filled in from ``MISSING_REGIONS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import IO, Any

from ..models.council import CouncilType
from .records import (
    SUCCESSOR_SEPARATOR,
    CouncilRecord,
    check_record,
    dict_rows,
    parse_cell,
    parse_gss_code,
    parse_optional_date,
    parse_region,
    parse_successors,
    parse_text,
)

# Our field -> mySociety's column, also used to name the column in error messages.
COLUMNS = {
    "gss_code": "gss-code",
    "name": "official-name",
    "short_name": "nice-name",
    "type": "local-authority-type-name",
    "region": "region",
    "start_date": "start-date",
    "end_date": "end-date",
    "successor_gss_code": "replaced-by",
}
MYSOCIETY_COLUMNS = frozenset({*COLUMNS.values(), "local-authority-code", "nation"})
TYPES = {
    "County": CouncilType.COUNTY,
    "Non-metropolitan district": CouncilType.DISTRICT,
    "Unitary authority": CouncilType.UNITARY,
    "Metropolitan district": CouncilType.METROPOLITAN_DISTRICT,
    "London borough": CouncilType.LONDON_BOROUGH,
    "City corporation": CouncilType.CITY_CORPORATION,
}
NOT_COUNCILS = frozenset({"Combined authority", "Strategic Regional Authority"})
REGISTER_BEGINS = date(2018, 1, 1)
# mySociety leaves the region blank for these councils abolished in 2019-2021; the region is the
# one ONS placed them in (that of the county around them and of their successors).
MISSING_REGIONS = {
    "E06000028": "South West",  # Bournemouth Borough Council
    "E06000029": "South West",  # Borough of Poole
    "E07000048": "South West",  # Christchurch Borough Council
    "E07000049": "South West",  # East Dorset District Council
    "E07000050": "South West",  # North Dorset District Council
    "E07000051": "South West",  # Purbeck District Council
    "E07000052": "South West",  # West Dorset District Council
    "E07000190": "South West",  # Taunton Deane Borough Council
    "E07000191": "South West",  # West Somerset District Council
    "E07000201": "East of England",  # Forest Heath District Council
    "E07000204": "East of England",  # St Edmundsbury Borough Council
    "E07000205": "East of England",  # Suffolk Coastal District Council
    "E07000206": "East of England",  # Waveney District Council
    "E10000002": "South East",  # Buckinghamshire County Council
    "E07000153": "East Midlands",  # Kettering Borough Council
}


def mysociety_records(stream: IO[str]) -> Iterator[tuple[int, CouncilRecord]]:
    """England's principal councils in the file, with the line each came from."""
    rows = list(dict_rows(stream, sorted(MYSOCIETY_COLUMNS)))
    gss_by_code = {row["local-authority-code"].strip(): row["gss-code"].strip() for _, row in rows}
    for line, row in rows:
        if row["nation"].strip() == "England" and row[COLUMNS["type"]].strip() not in NOT_COUNCILS:
            yield line, _record(line, row, gss_by_code)


def _record(line: int, row: dict[str, str], gss_by_code: dict[str, str]) -> CouncilRecord:
    def field(name: str, parse: Callable[[str], Any]) -> Any:
        return parse_cell(row[COLUMNS[name]], parse, row=line, column=COLUMNS[name])

    gss_code = field("gss_code", parse_gss_code)
    record = CouncilRecord(
        gss_code=gss_code,
        name=field("name", parse_text),
        short_name=field("short_name", parse_text),
        type=field("type", _parse_type),
        region=field(
            "region", lambda value: parse_region(value or MISSING_REGIONS.get(gss_code, ""))
        ),
        start_date=field("start_date", _parse_start_date),
        end_date=field("end_date", _parse_end_date),
        successor_gss_code=field(
            "successor_gss_code", lambda value: _successors(value, gss_by_code)
        ),
    )
    check_record(record, row=line, columns=COLUMNS)
    return record


def _parse_type(value: str) -> CouncilType:
    try:
        return TYPES[value.strip()]
    except KeyError:
        raise ValueError(f"'{value.strip()}' is not a type of English council") from None


def _parse_start_date(value: str) -> date | None:
    start = parse_optional_date(value)
    return start if start and start > REGISTER_BEGINS else None


def _parse_end_date(value: str) -> date | None:
    end = parse_optional_date(value)
    if end and (end.month, end.day) == (3, 31):  # the last day: councils are vested on 1 April
        return end + timedelta(days=1)
    return end


def _successors(value: str, gss_by_code: dict[str, str]) -> str | None:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in gss_by_code]
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a local-authority-code in this file")
    return parse_successors(SUCCESSOR_SEPARATOR.join(gss_by_code[code] for code in codes))
