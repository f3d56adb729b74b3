"""The Alembic migrations build the whole schema from empty, and agree with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from prodmaturity import create_app
from prodmaturity.extensions import db
from tests.conftest import base_config
from tests.services import require_postgres


def _upgrade_and_compare(url: str, outbox: Path) -> list[object]:
    app = create_app(base_config(url, outbox))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        tables = set(sa.inspect(db.engine).get_table_names())
        downgrade(revision="base")
        left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert set(db.metadata.tables) <= tables
    assert left == set(), "downgrade to base leaves tables behind"
    return diff


def test_upgrade_from_empty_on_sqlite_matches_models(tmp_path: Path) -> None:
    diff = _upgrade_and_compare(f"sqlite:///{tmp_path / 'migrated.db'}", tmp_path)
    assert diff == []


@pytest.mark.postgres
def test_upgrade_from_empty_on_postgres_matches_models(tmp_path: Path) -> None:
    url = require_postgres("prodmaturity_migrations")
    diff = _upgrade_and_compare(url, tmp_path)
    assert diff == []
