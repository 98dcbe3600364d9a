"""Databases for the report tests: the small outreach world, and the demo world as if linked."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core.db import Database

from helpers import digest_world, outreach_world


@pytest.fixture(scope="session")
def outreach_truth() -> dict[str, Any]:
    """Ground truth of the small world the outreach and rule-evaluation tests use."""
    return outreach_world.small_truth()


@pytest.fixture
def outreach_db(database: Database, outreach_truth: dict[str, Any]) -> Database:
    """The `database` fixture (both engines) holding the small world, analysed and clustered."""
    outreach_world.build(database, outreach_truth)
    return database


@pytest.fixture
def demo_world_db(database: Database, demo_truth: dict[str, Any]) -> Database:
    """The `database` fixture holding the demo world's ground truth, as if crawled and linked."""
    digest_world.fill(database, demo_truth, days=14)
    return database
