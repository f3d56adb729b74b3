"""Councils with critical gaps: the LGA-only list used to target support and grants.

Named councils with their ratings, so it is only ever shown to LGA roles; the aggregated views
are the ones that can be shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..frameworks.model import BANDS, Question, band_label
from ..models.assessment import COUNTED_STATUSES, Assessment, Response, Round
from ..models.council import Council
from .filters import CouncilFilter
from .overview import Page, paginate, type_label

_BAND_RANK = sa.case({band: rank for rank, band in enumerate(BANDS)},
                     value=Assessment.overall_band, else_=len(BANDS))


@dataclass(frozen=True)
class CriticalGap:
    assessment_id: int
    council_name: str
    region: str
    type_label: str
    band: str | None
    percent: float | None
    critical_failures: int
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, title)

    @property
    def band_label(self) -> str:
        return band_label(self.band) if self.band else "Not rated"


def critical_gaps(round_: Round, council_filter: CouncilFilter | None = None, *,
                  page: int = 1, per_page: int = 50) -> Page[CriticalGap]:
    """Counted councils with any critical failure: most failures, then lowest band, first."""
    framework = round_.framework_version.framework
    stmt = (council_filter or CouncilFilter()).apply(
        sa.select(Assessment.id, Council.name, Council.region, Council.type,
                  Assessment.overall_band, Assessment.overall_percent,
                  Assessment.critical_failures)
        .join(Council, Council.id == Assessment.council_id)
        .where(Assessment.round_id == round_.id, Assessment.status.in_(COUNTED_STATUSES),
               Assessment.critical_failures > 0)
        .order_by(Assessment.critical_failures.desc(), _BAND_RANK,
                  Assessment.overall_percent, Council.name)
    )

    def row(r: Any) -> CriticalGap:
        return CriticalGap(r[0], r.name, r.region, type_label(r.type), r.overall_band,
                           r.overall_percent, r.critical_failures)

    result = paginate(stmt, page, per_page, row)
    critical = {q.key: q.title for q in framework.items()
                if isinstance(q, Question) and q.critical}
    by_id = {gap.assessment_id: gap for gap in result.items}
    if by_id and critical:
        for assessment_id, key in db.session.execute(
            sa.select(Response.assessment_id, Response.item_key)
            .where(Response.assessment_id.in_(by_id), Response.item_key.in_(critical),
                   Response.at_lowest.is_(True))
        ):
            by_id[assessment_id].failed.append((key, critical[key]))
    order = {key: index for index, key in enumerate(critical)}
    for gap in result.items:
        gap.failed.sort(key=lambda pair: order[pair[0]])
    return result
