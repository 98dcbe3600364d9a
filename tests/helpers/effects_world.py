"""The demo world as crawled and linked, its contact log written by the demo's scripted team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete

from demo.team import Logged, run_team
from models import ContactLogEntry
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings

from helpers import digest_world


@dataclass
class TeamWorld:
    database: Database
    logged: list[Logged]
    first: date
    last: date


def fill(database: Database, settings: Settings, truth: dict[str, Any]) -> TeamWorld:
    """The world's 14 days; the team's log replaces the digest world's few contact entries."""
    digest_world.fill(database, truth, days=14)
    with database.session() as session:
        session.execute(delete(ContactLogEntry))
    first = date.fromisoformat(truth["start"])
    logged = run_team(database, settings, first, 14, seed=3)
    clock.set_now(None)
    return TeamWorld(database, logged, first, date(2026, 11, 15))
