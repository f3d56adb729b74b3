"""Streaming CSV that Excel opens correctly and cannot be tricked into running.

- UTF-8 with a byte order mark: without it Excel reads the file as the local code page and
  mangles names such as "Ynys Môn".
- RFC 4180: fields holding a comma, a double quote, CR or LF are quoted, quotes are doubled,
  and every line ends with CRLF.
- Formula neutralisation: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return would be run as a formula by a spreadsheet (CSV injection), so it gets a
  leading single quote ``'``. Only text is touched: numbers we write ourselves (a negative
  score, say) are numbers, not formulas, and stay as they are.
- Dates and times are ISO 8601: ``2024-03-31`` and ``2024-03-31T16:05:00Z`` (times are UTC).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

BOM = "\ufeff"
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows per chunk handed to the server: big enough to keep per-chunk overhead low, small
# enough that memory does not grow with the export.
CHUNK_ROWS = 500


def neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula; other text is unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _datetime(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


# Dispatch on the exact type: this runs once per value of every exported row, so a dict
# lookup beats a chain of isinstance checks.
_CELL_WRITERS: dict[type, Any] = {
    str: neutralise,
    int: lambda value: value,
    float: lambda value: value,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "",
    datetime: _datetime,
    date: lambda value: value.isoformat(),
}


def cell(value: Any) -> str | int | float:
    """One value as written: ISO dates, lower-case booleans, blank for None, safe text."""
    writer = _CELL_WRITERS.get(type(value))
    if writer is not None:
        return writer(value)  # type: ignore[no-any-return]
    if isinstance(value, datetime):
        return _datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The whole file as text chunks: BOM and header first, then ``CHUNK_ROWS`` rows a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(name) for name in header])
    yield BOM + _drain(buffer)
    pending = 0
    for row in rows:
        writer.writerow(list(map(cell, row)))
        pending += 1
        if pending == CHUNK_ROWS:
            yield _drain(buffer)
            pending = 0
    if pending:
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
