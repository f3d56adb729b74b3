"""The council register: every English principal council since 2018."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CouncilType(enum.StrEnum):
    COUNTY = "county"
    DISTRICT = "district"
    UNITARY = "unitary"
    METROPOLITAN_DISTRICT = "metropolitan_district"
    LONDON_BOROUGH = "london_borough"
    CITY_CORPORATION = "city_corporation"

    @property
    def label(self) -> str:
        return COUNCIL_TYPE_LABELS[self]


COUNCIL_TYPE_LABELS = {
    CouncilType.COUNTY: "County",
    CouncilType.DISTRICT: "District",
    CouncilType.UNITARY: "Unitary",
    CouncilType.METROPOLITAN_DISTRICT: "Metropolitan district",
    CouncilType.LONDON_BOROUGH: "London borough",
    CouncilType.CITY_CORPORATION: "City corporation",
}


class Council(db.Model):
    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    gss_code: Mapped[str] = mapped_column(sa.String(9), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(100))
    type: Mapped[str] = mapped_column(sa.String(30), index=True)
    region: Mapped[str] = mapped_column(sa.String(40), index=True)
    start_date: Mapped[date | None]
    # The first day the council no longer existed (its successor's vesting day).
    end_date: Mapped[date | None]
    successor_gss_code: Mapped[str | None] = mapped_column(sa.String(40))

    def active_on(self, day: date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day < self.end_date
        )

    @property
    def type_label(self) -> str:
        return COUNCIL_TYPE_LABELS[CouncilType(self.type)]

    @staticmethod
    def active_on_clause(day: date) -> sa.ColumnElement[bool]:
        """The same rule as ``active_on``, for SQL filters."""
        return sa.and_(
            sa.or_(Council.start_date.is_(None), Council.start_date <= day),
            sa.or_(Council.end_date.is_(None), Council.end_date > day),
        )

    def __repr__(self) -> str:
        return f"<Council {self.gss_code} {self.short_name}>"
