"""Queue workers' fixtures: the broker (the machine's Redis, one database of it), an empty
migrated PostgreSQL schema with the environment a worker needs, and a one-process run of
the same demo sites to compare with.

Without Redis at SCOUT_TEST_REDIS_URL (default redis://127.0.0.1:6379/14; under pytest-xdist
worker gw1 takes database 13, and so on) these tests skip
— unless SCOUT_REQUIRE_REDIS=1 (set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import World, build_world
from pipeline.core.app import Context
from pipeline.core.db import Database, open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings
from pipeline.operations import stages

from helpers import fleet

# the test: twenty sites, one of them a browser (Playwright) site, on a small world
# (six adverts on each HTML site, five on the browser site) so that the forty-odd crawl
# processes (each mostly its start-up) fit in a few minutes
HTML_SITES = [f"site_{number:02d}" for number in range(19)]
BROWSER_SITES = ["browser_00"]
SMALL_WORLD = {"seed": 7, "days": 2, "n_independent": 4, "n_controllers": 1}


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

    def sites(
        self, names: Sequence[str], browser: Sequence[str] = (), **politeness: Any
    ) -> list[str]:
        """Copies of the classic demo site as `names`, of the SPA (browser) site as `browser`."""
        return write_demo_sites(self.sites_dir, self.server, names, browser, **politeness)


def write_demo_sites(
    folder: Path, server: DemoServer, names: Sequence[str], browser: Sequence[str],
    **politeness: Any,
) -> list[str]:  # fmt: skip
    html = fleet.write_sites(folder, names, server.classic_url, **politeness)
    return html + fleet.write_sites(folder, browser, server.spa_url, "demo_spa", **politeness)


@pytest.fixture
def world(request: pytest.FixtureRequest, demo_world: World) -> World:
    """The demo world, or one built from the keywords a test parametrizes `world` with."""
    keywords = getattr(request, "param", None)
    return build_world(**keywords) if keywords else demo_world


@pytest.fixture
def store(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: World,
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
    clock = SimClock(world.start)
    with DemoServer(world, clock) as server:
        yield Store(database, server, clock, dict(os.environ), tmp_path / "sites")


def one_process_run(
    folder: Path, world: World, names: Sequence[str], monkeypatch: pytest.MonkeyPatch,
    browser: Sequence[str] = (), simulated: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Crawl, analyse and link the sites (copies of the classic site as `names`, of the SPA
    site as `browser`) as `scout crawl/analyse/link` do today (no broker, SQLite), on the
    same world and day (crawling as of the world's day when `simulated`, else on the wall
    clock); the database's fingerprint."""
    clock = SimClock(world.start)
    with DemoServer(world, clock) as server, monkeypatch.context() as patch:
        for name in ("SCOUT_BROKER_URL", "SCOUT_DATABASE_URL"):
            patch.delenv(name, raising=False)
        patch.setenv("SCOUT_DATA_DIR", str(folder / "data"))
        patch.setenv("SCOUT_SITES_DIR", str(folder / "sites"))
        names = write_demo_sites(folder / "sites", server, names, browser)
        settings = load_settings()
        database = open_database(settings, require_schema=False)
        upgrade(database.engine, settings)
        with Context(settings) as context:
            stages.crawl(context, sites=names, as_of=clock.now() if simulated else None)
            stages.analyse(context)
            stages.link(context)
        found = fleet.fingerprint(database)
        database.dispose()
    return found
