"""Fixtures for rule-evaluation tests: the outreach tests' small clustered demo world."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline.db import Database


@pytest.fixture(scope="session")
def helper() -> ModuleType:
    name = "scout_tests_outreach_world"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "outreach" / "outreach_world.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def truth(helper: ModuleType) -> dict[str, Any]:
    return helper.small_truth()


@pytest.fixture
def world_db(database: Database, helper: ModuleType, truth: dict[str, Any]) -> Database:
    helper.build(database, truth)
    return database
