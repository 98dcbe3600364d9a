"""Export fixtures: the demo world's ground truth stored as if crawled, analysed and linked."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from demo.world import build_world
from pipeline.db import Database


def load_world_helper() -> ModuleType:
    """tests/ is not a package: load the shared helper by its path."""
    path = Path(__file__).parents[1] / "digest" / "digest_world.py"
    spec = importlib.util.spec_from_file_location("scout_digest_world", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    return build_world(seed=7, days=14).ground_truth()


@pytest.fixture
def filled(database: Database, truth: dict[str, Any]) -> Database:
    load_world_helper().fill(database, truth, days=14)
    return database
