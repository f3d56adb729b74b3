"""Fixtures for the pure framework and scoring tests: no app, no database."""

from __future__ import annotations

import pytest

from prodmaturity.frameworks import SHIPPED_FRAMEWORKS_DIR, Framework, load_framework_file


@pytest.fixture(scope="session")
def nps() -> Framework:
    return load_framework_file(SHIPPED_FRAMEWORKS_DIR / "nps-2018.yaml")


@pytest.fixture(scope="session")
def cyber() -> Framework:
    return load_framework_file(SHIPPED_FRAMEWORKS_DIR / "cyber-stocktake-2018.yaml")
