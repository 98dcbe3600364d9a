"""Fixtures for outreach tests: a small stored, analysed and clustered demo world."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from pipeline.db import Database


@pytest.fixture(scope="session")
def helper(test_helper: Callable[[str], ModuleType]) -> ModuleType:
    return test_helper("outreach/outreach_world.py")


@pytest.fixture(scope="session")
def truth(helper: ModuleType) -> dict[str, Any]:
    return helper.small_truth()


@pytest.fixture
def world_db(database: Database, helper: ModuleType, truth: dict[str, Any]) -> Database:
    """The `database` fixture (both engines) holding the small world, analysed and clustered."""
    helper.build(database, truth)
    return database
