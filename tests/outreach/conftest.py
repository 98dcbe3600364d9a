"""Fixtures for outreach tests: a small stored, analysed and clustered demo world."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline.db import Database


def load_helper() -> ModuleType:
    """tests/outreach/outreach_world.py by path (tests are not a package)."""
    name = "scout_tests_outreach_world"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("outreach_world.py")
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def helper() -> ModuleType:
    return load_helper()


@pytest.fixture(scope="session")
def truth(helper: ModuleType) -> dict[str, Any]:
    return helper.small_truth()


@pytest.fixture
def world_db(database: Database, helper: ModuleType, truth: dict[str, Any]) -> Database:
    """The `database` fixture (both engines) holding the small world, analysed and clustered."""
    helper.build(database, truth)
    return database
