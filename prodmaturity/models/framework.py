"""Framework versions as stored: the validated content and its checksum, frozen once used."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

if TYPE_CHECKING:
    from ..frameworks.model import Framework

_parsed: dict[str, Framework] = {}


class FrameworkVersion(db.Model):
    __tablename__ = "framework_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    version: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    checksum: Mapped[str] = mapped_column(sa.String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    __table_args__ = (sa.UniqueConstraint("slug", "version", name="uq_framework_version_slug"),)

    @property
    def framework(self) -> Framework:
        """The parsed framework; cached by checksum since stored content never changes."""
        cached = _parsed.get(self.checksum)
        if cached is None:
            from ..frameworks.model import Framework

            cached = _parsed[self.checksum] = Framework.from_dict(self.content)
        return cached

    @property
    def label(self) -> str:
        return f"{self.title} (version {self.version})"
