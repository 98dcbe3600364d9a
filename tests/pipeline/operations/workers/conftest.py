"""Queue workers' fixtures: the broker (the machine's Redis, one database of it), an empty
migrated PostgreSQL schema with the environment a worker needs, and a one-process run of
the same demo sites to compare with.

Without Redis at SCOUT_TEST_REDIS_URL (default redis://127.0.0.1:6379/14; under pytest-xdist
worker gw1 takes database 13, and so on) these tests skip
— unless SCOUT_REQUIRE_REDIS=1 (set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import World
from pipeline.core.app import Context
from pipeline.core.db import Database, open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings
from pipeline.operations import stages

from helpers import fleet

SITES = ["demo_a", "demo_b", "demo_c"]


@pytest.fixture
def broker_url() -> Iterator[str]:
    """The test database of the machine's Redis (one a pytest-xdist worker), emptied before
    and after."""
    url = fleet.worker_redis_url()
    client = redis.Redis.from_url(url, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"Redis unreachable at {url}: {exc}"
        if os.environ.get("SCOUT_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason} (SCOUT_REQUIRE_REDIS=1)")
        pytest.skip(reason)
    client.flushdb()
    yield url
    client.flushdb()


@dataclass
class Store:
    """A migrated PostgreSQL schema, a demo server, and the environment workers run in."""

    database: Database
    server: DemoServer
    clock: SimClock
    env: dict[str, str]
    sites_dir: Path

    def sites(self, names: list[str], **politeness: Any) -> list[str]:
        return fleet.write_sites(self.sites_dir, names, self.server.classic_url, **politeness)


@pytest.fixture
def store(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_world: World,
    broker_url: str,
) -> Iterator[Store]:  # fmt: skip
    """Use with `pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)`: workers
    on several machines need PostgreSQL."""
    values = {
        "SCOUT_BROKER_URL": broker_url,
        "SCOUT_SITES_DIR": str(tmp_path / "sites"),
        "SCOUT_ANALYSE_WORKERS": "1",
        # a dead worker's job goes to another after 12 s; its locks expire after 6 s
        "SCOUT_BROKER_VISIBILITY_TIMEOUT": "12",
        "SCOUT_WORKER_LOCK_SECONDS": "6",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    clock = SimClock(demo_world.start)
    with DemoServer(demo_world, clock) as server:
        yield Store(database, server, clock, dict(os.environ), tmp_path / "sites")


def one_process_run(
    folder: Path, demo_world: World, names: list[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Crawl, analyse and link the sites as `scout crawl/analyse/link` do today (no broker,
    SQLite), on the same demo world and day; the database's fingerprint."""
    clock = SimClock(demo_world.start)
    with DemoServer(demo_world, clock) as server, monkeypatch.context() as patch:
        for name in ("SCOUT_BROKER_URL", "SCOUT_DATABASE_URL"):
            patch.delenv(name, raising=False)
        patch.setenv("SCOUT_DATA_DIR", str(folder / "data"))
        patch.setenv("SCOUT_SITES_DIR", str(folder / "sites"))
        fleet.write_sites(folder / "sites", names, server.classic_url)
        settings = load_settings()
        database = open_database(settings, require_schema=False)
        upgrade(database.engine, settings)
        with Context(settings) as context:
            stages.crawl(context, sites=names, as_of=clock.now())
            stages.analyse(context)
            stages.link(context)
        found = fleet.fingerprint(database)
        database.dispose()
    return found
