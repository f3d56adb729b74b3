"""Storing framework versions: validated content plus checksum, never changed once stored.

Loading the same file twice is a no-op; loading different content under an existing slug and
version is refused, so a round's questions can never change underneath it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models.framework import FrameworkVersion
from ..models.user import User
from .model import Framework


class FrameworkConflict(ValueError):
    """The slug and version exist already with different content."""


@dataclass(frozen=True)
class StoreResult:
    version: FrameworkVersion
    created: bool


def find_version(slug: str, version: str) -> FrameworkVersion | None:
    return db.session.scalar(
        sa.select(FrameworkVersion).where(
            FrameworkVersion.slug == slug, FrameworkVersion.version == version
        )
    )


def store_framework(framework: Framework, *, loaded_by: User | None = None) -> StoreResult:
    """Store a validated framework as a new version (one transaction), or find its twin."""
    checksum = framework.checksum()
    existing = find_version(framework.slug, framework.version)
    if existing is not None:
        if existing.checksum != checksum:
            raise FrameworkConflict(
                f"{framework.slug} version {framework.version} is already loaded with different "
                "content. Give the changed file a new version number"
            )
        return StoreResult(existing, created=False)
    stored = FrameworkVersion(
        slug=framework.slug,
        version=framework.version,
        title=framework.title,
        kind=framework.kind,
        content=framework.to_dict(),
        checksum=checksum,
        loaded_by_id=loaded_by.id if loaded_by else None,
    )
    db.session.add(stored)
    db.session.flush()
    audit.record("framework_loaded", actor=loaded_by, subject=stored,
                 new=f"{framework.slug} {framework.version} sha256:{checksum[:12]}")
    db.session.commit()
    return StoreResult(stored, created=True)


def list_versions() -> list[FrameworkVersion]:
    return list(
        db.session.scalars(
            sa.select(FrameworkVersion).order_by(FrameworkVersion.slug, FrameworkVersion.loaded_at)
        )
    )


def latest_version(slug: str) -> FrameworkVersion | None:
    return db.session.scalar(
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.slug == slug)
        .order_by(FrameworkVersion.loaded_at.desc(), FrameworkVersion.id.desc())
        .limit(1)
    )
