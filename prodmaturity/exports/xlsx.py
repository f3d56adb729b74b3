"""A round as one workbook: a README sheet, a Results sheet and one sheet per section.

XlsxWriter's ``constant_memory`` mode flushes each row to a temporary file as the next one starts,
so memory stays flat; rows must then be written in order, which the streamed queries give.
User text goes through ``write_string`` (stored as text, never parsed as a formula or URL) and
gets the same ``'`` prefix as the CSV exports, so copying a cell out of Excel stays safe too.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..frameworks.model import Section
from .csvutil import cell
from .queries import (
    COUNCIL_COLUMNS,
    RoundInfo,
    Scope,
    answer_value,
    assessment_responses,
    council_cells,
    results_columns,
    results_rows,
)

SHEET_NAME_LIMIT = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def round_workbook(round_: RoundInfo, scope: Scope, readme: Sequence[str]) -> IO[bytes]:
    """Write the workbook to an anonymous temporary file and return it, rewound."""
    # Returned open: the response sends it and closes it, which deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        notes = workbook.add_worksheet("README")
        for row, line in enumerate(readme):
            write_row(notes, row, [line])
        results = workbook.add_worksheet("Results")
        write_row(results, 0, results_columns(round_.framework), bold)
        for row, values in enumerate(results_rows(round_, scope), start=1):
            write_row(results, row, values)
        _section_sheets(workbook, round_, scope, bold)
        workbook.close()
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def section_columns(section: Section) -> tuple[str, ...]:
    """A section sheet's header: the council columns, then each item's answer and comment."""
    items = (name for item in section.items for name in (item.key, f"{item.key}__comment"))
    return (*COUNCIL_COLUMNS, *items)


def _section_sheets(workbook: xlsxwriter.Workbook, round_: RoundInfo, scope: Scope,
                    bold: Any) -> None:
    framework = round_.framework
    used: set[str] = {"README", "Results"}
    sheets = []
    for section in framework.sections:
        sheet = workbook.add_worksheet(_sheet_name(section.key, used))
        write_row(sheet, 0, section_columns(section), bold)
        sheets.append((section, sheet))
    for row, (first, responses) in enumerate(assessment_responses(round_, scope), start=1):
        council = council_cells(round_, first)
        by_item = {r.item_key: r for r in responses}
        for section, sheet in sheets:
            cells: list[Any] = []
            for item in section.items:
                r = by_item.get(item.key)
                cells += [answer_value(framework, item, r), r.comment] if r else [None, None]
            write_row(sheet, row, [*council, *cells])


def _sheet_name(key: str, used: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub("-", key)[:SHEET_NAME_LIMIT]
    name, n = base, 2
    while name.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_row(sheet: Worksheet, row: int, values: Iterable[Any], fmt: Any = None) -> None:
    """Numbers as numbers, booleans as booleans, everything else as neutralised text."""
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, str(cell(value)), fmt)
