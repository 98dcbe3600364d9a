"""Export fixtures: the demo world's ground truth (stored by `filled`, see tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from demo.world import build_world


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    return build_world(seed=7, days=14).ground_truth()
