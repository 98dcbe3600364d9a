"""Fixtures for rule-evaluation tests: `truth` is the small clustered world (tests/conftest.py)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="session")
def truth(helper: ModuleType) -> dict[str, Any]:
    return helper.small_truth()
