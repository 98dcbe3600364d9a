"""The demo world with the contact log of the demo's scripted team."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core.db import Database
from pipeline.core.settings import Settings

from helpers import effects_world


@pytest.fixture
def team_world(
    database: Database, settings: Settings, demo_truth: dict[str, Any]
) -> effects_world.TeamWorld:
    return effects_world.fill(database, settings, demo_truth)
