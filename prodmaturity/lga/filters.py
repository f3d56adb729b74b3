"""Region and council-type filters shared by the LGA's lists and aggregated results.

Parsed from the query string leniently: an unknown value is ignored rather than an error, so a
stale bookmark still opens the unfiltered page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa

from ..extensions import db
from ..models.council import COUNCIL_TYPE_LABELS, Council, CouncilType

S = TypeVar("S", bound=sa.Select[Any])


@dataclass(frozen=True)
class CouncilFilter:
    """Which councils a view covers; empty fields mean "all"."""

    region: str | None = None
    type: str | None = None

    def apply(self, stmt: S) -> S:
        """Add the filter to a statement that already joins ``Council``."""
        if self.region:
            stmt = stmt.where(Council.region == self.region)
        if self.type:
            stmt = stmt.where(Council.type == self.type)
        return stmt

    @property
    def active(self) -> bool:
        return bool(self.region or self.type)

    def query_args(self) -> dict[str, str]:
        """For building links that keep the filter."""
        args = {"region": self.region, "type": self.type}
        return {key: value for key, value in args.items() if value}

    def describe(self) -> str:
        parts = [COUNCIL_TYPE_LABELS[CouncilType(self.type)] + " councils" if self.type
                 else "All councils"]
        if self.region:
            parts.append(f"in {self.region}")
        return " ".join(parts)


def regions() -> list[str]:
    """Every region in the council register, for the filter's options (one query)."""
    return list(db.session.scalars(sa.select(Council.region).distinct().order_by(Council.region)))


def type_choices() -> list[tuple[str, str]]:
    return [(kind.value, label) for kind, label in COUNCIL_TYPE_LABELS.items()]


def parse_filter(args: Mapping[str, str], known_regions: list[str]) -> CouncilFilter:
    region = args.get("region") or None
    kind = args.get("type") or None
    return CouncilFilter(
        region=region if region in known_regions else None,
        type=kind if kind in {value for value, _ in type_choices()} else None,
    )
