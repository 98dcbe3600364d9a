"""The demo world in a database, as if crawled and linked: for the digest and export tests."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core.db import Database

from helpers import digest_world


@pytest.fixture
def demo_world_db(database: Database, demo_truth: dict[str, Any]) -> Database:
    """The `database` fixture holding the demo world's ground truth, as if crawled and linked."""
    digest_world.fill(database, demo_truth, days=14)
    return database
