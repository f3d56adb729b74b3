"""Financial-year quarters (April to March), the periods the Board reads progress in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_SLUG = re.compile(r"^(\d{4})-(\d{2})-q([1-4])$")


def financial_year_label(year: int) -> str:
    """2018 → "2018/19": the year is stored as its first calendar year."""
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(financial_year_of(day), (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def from_slug(cls, slug: str) -> Quarter | None:
        """Parse "2018-19-q2"; None when it is not a real quarter, so views can 404."""
        match = _SLUG.match(slug or "")
        if not match or int(match[2]) != (int(match[1]) + 1) % 100:
            return None
        return cls(int(match[1]), int(match[3]))

    @property
    def starts_on(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.year + month // 13, (month - 1) % 12 + 1, 1)

    @property
    def ends_on(self) -> date:
        following = Quarter(self.year + self.number // 4, self.number % 4 + 1)
        return following.starts_on - timedelta(days=1)

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-q{self.number}"

    @property
    def label(self) -> str:
        return f"{financial_year_label(self.year)} Q{self.number}"

    @property
    def months(self) -> str:
        """"July to September 2018", for headings."""
        return f"{self.starts_on:%B} to {self.ends_on:%B %Y}"
