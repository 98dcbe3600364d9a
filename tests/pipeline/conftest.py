"""The small outreach world in a database: used by the report, CLI and stage API tests."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core.db import Database

from helpers import outreach_world


@pytest.fixture(scope="session")
def outreach_truth() -> dict[str, Any]:
    """Ground truth of the small world: 2 controllers, 6 independent workers, 4 days."""
    return outreach_world.small_truth()


@pytest.fixture
def outreach_db(database: Database, outreach_truth: dict[str, Any]) -> Database:
    """The `database` fixture (both engines) holding the small world, analysed and clustered."""
    outreach_world.build(database, outreach_truth)
    return database
