"""Export fixtures: the demo world's ground truth stored as if crawled, analysed and linked."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from demo.world import build_world
from pipeline.db import Database


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    return build_world(seed=7, days=14).ground_truth()


@pytest.fixture
def filled(database: Database, truth: dict[str, Any],
           test_helper: Callable[[str], ModuleType]) -> Database:
    test_helper("digest/digest_world.py").fill(database, truth, days=14)
    return database
