"""A round's progress for the LGA: status counts and the list of councils taking part.

Counts are one GROUP BY over (region, type, status), rolled up in Python over that handful of
rows; the council list is one paginated query (plus its count) whatever the number of councils.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from ..extensions import db
from ..models.assessment import COUNTED_STATUSES, Assessment, AssessmentStatus, Round
from ..models.council import COUNCIL_TYPE_LABELS, Council, CouncilType
from ..models.user import User
from ..permissions import Role
from ..timeutil import today as today_utc
from .filters import CouncilFilter

T = TypeVar("T")

STATUSES: tuple[str, ...] = tuple(status.value for status in AssessmentStatus)
# Not yet in the LGA's hands: these are the councils to chase.
OUTSTANDING_STATUSES = (
    AssessmentStatus.NOT_STARTED.value,
    AssessmentStatus.IN_PROGRESS.value,
    AssessmentStatus.RETURNED.value,
)
PER_PAGE = 50


@dataclass
class StatusCounts:
    """Councils by status for one group (all, a region or a council type)."""

    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def invited(self) -> int:
        return sum(self.counts.values())

    @property
    def responded(self) -> int:
        """Submitted or accepted: the returns that count."""
        return sum(self.counts[status] for status in COUNTED_STATUSES)

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.responded / self.invited, 1) if self.invited else None


@dataclass(frozen=True)
class RoundOverview:
    national: StatusCounts
    by_region: list[StatusCounts]
    by_type: list[StatusCounts]
    closes_on: date
    days_to_deadline: int
    extensions: int


def round_overview(round_: Round, council_filter: CouncilFilter | None = None,
                   today: date | None = None) -> RoundOverview:
    """Status counts nationally, by region and by council type, with the deadline."""
    council_filter = council_filter or CouncilFilter()
    stmt = council_filter.apply(
        sa.select(Council.region, Council.type, Assessment.status, sa.func.count(),
                  sa.func.count(Assessment.deadline_override))
        .join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == round_.id)
        .group_by(Council.region, Council.type, Assessment.status)
    )
    national = StatusCounts("All councils")
    regions: dict[str, StatusCounts] = {}
    types: dict[str, StatusCounts] = {}
    extensions = 0
    for region, kind, status, count, extended in db.session.execute(stmt):
        extensions += extended
        for counts in (national,
                       regions.setdefault(region, StatusCounts(region)),
                       types.setdefault(kind, StatusCounts(type_label(kind)))):
            counts.counts[status] = counts.counts.get(status, 0) + count
    day = today or today_utc()
    return RoundOverview(
        national=national,
        by_region=[regions[key] for key in sorted(regions)],
        by_type=[types[key] for key in _type_order(types)],
        closes_on=round_.closes_on,
        days_to_deadline=(round_.closes_on - day).days,
        extensions=extensions,
    )


def type_label(kind: str) -> str:
    try:
        return COUNCIL_TYPE_LABELS[CouncilType(kind)]
    except ValueError:
        return kind


def _type_order(types: dict[str, Any]) -> list[str]:
    order = [kind.value for kind in CouncilType]
    return sorted(types, key=lambda kind: (order.index(kind) if kind in order else len(order),
                                           kind))


# The council list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what the pagination links need."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.items) - 1 if self.items else 0


def paginate(stmt: sa.Select[Any], page: int, per_page: int,
             row: Callable[[Any], T]) -> Page[T]:
    """Two queries: the total, then one page of rows (a page past the end shows the last)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    last = max(1, -(-total // per_page))
    page = min(max(1, page), last)
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page([row(r) for r in rows], page, per_page, total)


@dataclass(frozen=True)
class CouncilRow:
    assessment_id: int
    council_id: int
    name: str
    region: str
    type_label: str
    status: str
    last_activity_at: datetime | None
    lead_name: str | None
    lead_count: int
    deadline: date
    days_to_deadline: int | None  # None once the council has submitted

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label


def deadline_column(round_: Round) -> sa.ColumnElement[date]:
    """A council's own deadline: its extension if later than the round's closing date."""
    closes = sa.literal(round_.closes_on, sa.Date)
    return sa.case((Assessment.deadline_override > closes, Assessment.deadline_override),
                   else_=closes)


def leads_subquery() -> sa.Subquery:
    """Each council's active leads: how many, and the first name alphabetically."""
    return (
        sa.select(User.council_id, sa.func.min(User.name).label("lead_name"),
                  sa.func.count().label("lead_count"))
        .where(User.role == Role.COUNCIL_LEAD.value, User.deactivated_at.is_(None))
        .group_by(User.council_id)
        .subquery("leads")
    )


_STATUS_RANK = sa.case({status: rank for rank, status in enumerate(STATUSES)},
                       value=Assessment.status)

SORTS = ("council", "status", "region", "last-activity", "deadline")


def _order_by(sort: str, round_: Round) -> list[sa.ColumnElement[Any]]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    column: sa.ColumnElement[Any] = {
        "status": _STATUS_RANK,
        "region": Council.region,
        "last-activity": Assessment.last_activity_at,
        "deadline": deadline_column(round_),
    }.get(key, Council.name)
    # Never-active councils sort last either way, so the list's end is always "no activity".
    nulls = [Assessment.last_activity_at.is_(None)] if key == "last-activity" else []
    return [*nulls, column.desc() if descending else column.asc(), Council.name, Council.id]


def parse_sort(value: str | None) -> str:
    return value if value and value.lstrip("-") in SORTS else "council"


def council_list(round_: Round, *, council_filter: CouncilFilter | None = None,
                 status: str | None = None, sort: str = "council", page: int = 1,
                 per_page: int = PER_PAGE, today: date | None = None) -> Page[CouncilRow]:
    """One page of the round's councils with status, activity, lead and days to deadline."""
    council_filter = council_filter or CouncilFilter()
    leads = leads_subquery()
    deadline = deadline_column(round_).label("deadline")
    stmt = council_filter.apply(
        sa.select(Assessment.id, Council.id, Council.name, Council.region, Council.type,
                  Assessment.status, Assessment.last_activity_at, leads.c.lead_name,
                  leads.c.lead_count, deadline)
        .join(Council, Council.id == Assessment.council_id)
        .outerjoin(leads, leads.c.council_id == Council.id)
        .where(Assessment.round_id == round_.id)
        .order_by(*_order_by(parse_sort(sort), round_))
    )
    if status in STATUSES:
        stmt = stmt.where(Assessment.status == status)
    day = today or today_utc()

    def row(r: Any) -> CouncilRow:
        done = r.status in COUNTED_STATUSES
        return CouncilRow(r[0], r[1], r.name, r.region, type_label(r.type), r.status,
                          r.last_activity_at, r.lead_name, r.lead_count or 0, r.deadline,
                          None if done else (r.deadline - day).days)

    return paginate(stmt, page, per_page, row)


def statuses_with_labels() -> Sequence[tuple[str, str]]:
    return [(status, AssessmentStatus(status).label) for status in STATUSES]
