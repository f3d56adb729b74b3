"""The quarterly Board report: each deliverable's RAG, progress and measures as at quarter end.

The page and the CSV are both built from :func:`board_report`, so they cannot disagree. "As at"
means what was known then: the latest progress update for that quarter or before, and measures
counting only returns submitted by the end of the quarter's last day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..exports.csvutil import csv_lines
from ..models import Deliverable, ProgrammeRag, ProgressUpdate
from .quarters import Quarter, financial_year_label
from .services import MeasureReading, deliverables, latest_updates, read_measures


@dataclass(frozen=True)
class BoardRow:
    deliverable: Deliverable
    update: ProgressUpdate | None
    readings: tuple[MeasureReading, ...]

    @property
    def rag(self) -> str | None:
        return self.update.rag if self.update else None

    @property
    def rag_label(self) -> str:
        return ProgrammeRag(self.rag).label if self.rag else "Not reported"

    @property
    def workstreams(self) -> str:
        return ", ".join(w.title for w in self.deliverable.workstreams)

    @property
    def due(self) -> str:
        return Quarter(self.deliverable.financial_year, self.deliverable.due_quarter).label

    @property
    def reported_for(self) -> str:
        return Quarter(self.update.financial_year, self.update.quarter).label if self.update else ""


@dataclass(frozen=True)
class BoardReport:
    quarter: Quarter
    rows: tuple[BoardRow, ...]


def board_report(quarter: Quarter) -> BoardReport:
    """The quarter's financial-year deliverables, as they stood on its last day."""
    items = deliverables(quarter.year)
    updates = latest_updates([d.id for d in items], quarter)
    readings = read_measures([m for d in items for m in d.measures], quarter.ends_on)
    return BoardReport(quarter, tuple(
        BoardRow(d, updates.get(d.id), tuple(readings[m.id] for m in d.measures)) for d in items
    ))


CSV_HEADER = (
    "Financial year", "Quarter", "As at", "Workstreams", "Deliverable", "Owner", "Due",
    "MOU commitment", "Funding source", "RAG", "Progress reported for", "Progress",
    "Measure", "Round", "Value", "Value shown", "Target", "Target met",
)


def csv_rows(report: BoardReport) -> Iterator[list[Any]]:
    """One line per measure (or one per deliverable without measures), deliverable repeated."""
    quarter = report.quarter
    for row in report.rows:
        d = row.deliverable
        common = [financial_year_label(quarter.year), quarter.label, quarter.ends_on,
                  row.workstreams, d.title, d.owner, row.due, "Yes" if d.mou_commitment else "No",
                  d.funding_source, row.rag_label, row.reported_for,
                  row.update.narrative if row.update else ""]
        if not row.readings:
            yield common + [""] * 6
        for reading in row.readings:
            met = None if reading.target_met is None else ("Yes" if reading.target_met else "No")
            value = None if reading.value is None else round(reading.value, 1)
            yield [*common, reading.measure.label, reading.measure.round.title, value,
                   reading.text, reading.target_text, met]


def report_csv(report: BoardReport) -> Iterator[str]:
    return csv_lines(CSV_HEADER, csv_rows(report))
