"""Deterministic rounds for the LGA's aggregate tests, written straight into the tables.

Council ``i`` (0-based) of ``n``: councils 0-29 have counted returns (even: submitted, odd:
accepted); 30-34 are in progress, 35-37 not started, 38-39 returned. Every uncounted council
answers at the top of each scale, so any leak of uncounted returns into an aggregate shows up.
Regions cycle London / North West / South East by ``i % 3``; councils 27-29 are counties, the
rest districts (so the county group has three councils, under the threshold of five).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from prodmaturity.extensions import db
from prodmaturity.frameworks.model import BANDS
from prodmaturity.models import Assessment, Council, Response, Round, SectionResult
from tests.factories import load_shipped_framework

REGIONS = ("London", "North West", "South East")
COUNTED = 30
STAGES_ITEM0 = (1, 4)  # key area 0: stage 1 for councils 0-19, stage 4 for 20-29


def status_of(i: int) -> str:
    if i < COUNTED:
        return "submitted" if i % 2 == 0 else "accepted"
    if i < 35:
        return "in_progress"
    if i < 38:
        return "not_started"
    return "returned"


def make_councils_bulk(n: int, prefix: str = "E0") -> list[Council]:
    councils = [
        Council(gss_code=f"{prefix}{i:07d}", name=f"Council {i:03d}", short_name=f"C{i:03d}",
                type="county" if 27 <= i < 30 else "district", region=REGIONS[i % 3])
        for i in range(n)
    ]
    db.session.add_all(councils)
    db.session.commit()
    return councils


def _round(version: Any, councils: list[Council], title: str, opens_on: date,
           statuses: dict[int, str]) -> tuple[Round, list[Assessment]]:
    round_ = Round(framework_version_id=version.id, title=title, opens_on=opens_on,
                   closes_on=date(opens_on.year, 12, 31))
    db.session.add(round_)
    db.session.flush()
    assessments = [Assessment(round_id=round_.id, council_id=c.id, status=statuses[i])
                   for i, c in enumerate(councils)]
    db.session.add_all(assessments)
    db.session.flush()
    return round_, assessments


def maturity_stage(i: int, j: int) -> int:
    if i >= COUNTED:
        return 5
    if j == 0:
        return STAGES_ITEM0[0] if i < 20 else STAGES_ITEM0[1]
    return i % 5 + 1


@dataclass
class Rounds:
    current: Round
    previous: Round
    councils: list[Council]


def maturity_rounds(n: int = 40) -> Rounds:
    """NPS 2018: the previous round (councils 0-24 counted, everyone at stage 1) and this one."""
    version = load_shipped_framework("nps-2018")
    framework = version.framework
    councils = make_councils_bulk(n)
    previous_status = {i: "submitted" if i < 25 or i == 30 else "not_started" for i in range(n)}
    previous, earlier = _round(version, councils, "NPS 2021", date(2021, 1, 1), previous_status)
    current, now = _round(version, councils, "NPS 2025", date(2025, 1, 1),
                          {i: status_of(i) for i in range(n)})
    items = list(framework.items())
    rows: list[Any] = []
    for i, (before, after) in enumerate(zip(earlier, now, strict=True)):
        for j, item in enumerate(items):
            section = framework.section_of(item.key).key
            stage = maturity_stage(i, j)
            target = min(stage + 1, 5) if i % 2 == 0 else None
            rows.append(Response(assessment_id=after.id, section_key=section, item_key=item.key,
                                 current_stage=stage, target_stage=target, at_lowest=stage == 1))
            rows.append(Response(assessment_id=before.id, section_key=section,
                                 item_key=item.key, current_stage=1, at_lowest=True))
        for section in framework.sections:
            top = i >= COUNTED
            rows.append(SectionResult(
                assessment_id=after.id, section_key=section.key, answered=len(section.items),
                median_stage=5.0 if top else 3.0 if i < 15 else 2.0,
                mean_stage=5.0 if top else 2.5, share_mature=100.0 if top else
                50.0 if i < 15 else 0.0))
    db.session.add_all(rows)
    db.session.commit()
    return Rounds(current, previous, councils)


def questionnaire_band(i: int) -> tuple[str, float]:
    if i >= COUNTED:
        return "green", 100.0
    return BANDS[i % 5], 10.0 + (i % 5) * 20


def fails(i: int, key: str) -> bool:
    """L1 fails for i % 5 == 0, G1 for i % 3 == 0, L2 for i < 3; T1 never (counted councils)."""
    if i >= COUNTED:
        return key == "T1"
    return {"L1": i % 5 == 0, "G1": i % 3 == 0, "L2": i < 3}.get(key, False)


def questionnaire_rounds(n: int = 40) -> Rounds:
    """Cyber stock-take: previous round (0-24 counted, 20% overall, 10% per section) and this."""
    version = load_shipped_framework("cyber-stocktake-2018")
    framework = version.framework
    councils = make_councils_bulk(n, prefix="E1")
    previous_status = {i: "submitted" if i < 25 else "not_started" for i in range(n)}
    previous, earlier = _round(version, councils, "Cyber 2019", date(2019, 1, 1),
                               previous_status)
    current, now = _round(version, councils, "Cyber 2020", date(2020, 1, 1),
                          {i: status_of(i) for i in range(n)})
    rows: list[Any] = []
    for i, (before, after) in enumerate(zip(earlier, now, strict=True)):
        band, overall = questionnaire_band(i)
        failures = int(fails(i, "L1")) + int(fails(i, "G1")) if i < COUNTED else 0
        after.overall_band, after.overall_percent, after.critical_failures = band, overall, failures
        before.overall_band, before.overall_percent, before.critical_failures = "red", 20.0, 0
        for key in ("L1", "L2", "G1", "T1"):
            failed = fails(i, key)
            rows.append(Response(assessment_id=after.id, section_key=framework.section_of(key).key,
                                 item_key=key, answer="x", points=0 if failed else 3,
                                 max_points=3, at_lowest=failed))
        # Not applicable: never counted as answered or failed.
        rows.append(Response(assessment_id=after.id, section_key="leadership", item_key="L3",
                             not_applicable=True, at_lowest=True))
        for k, section in enumerate(framework.sections):
            top = i >= COUNTED
            rows.append(SectionResult(
                assessment_id=after.id, section_key=section.key, answered=3,
                percent=100.0 if top else 20.0 * k + (i % 2) * 10,
                band="green" if top else ("red", "amber", "amber", "green", "green")[k]))
            rows.append(SectionResult(assessment_id=before.id, section_key=section.key,
                                      answered=3, percent=10.0, band="red"))
    db.session.add_all(rows)
    db.session.commit()
    return Rounds(current, previous, councils)
