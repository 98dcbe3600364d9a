"""The demo server on loopback (serving `demo_world`), and a helper that crawls it in a child
process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import World
from pipeline.stages.crawling import CrawlOutcome, run_crawl_process


@dataclass
class DemoSites:
    server: DemoServer
    clock: SimClock

    def url(self, site: str) -> str:
        if site.startswith("demo_market"):  # the site file and its test variants
            return self.server.market_url
        return self.server.spa_url if site == "demo_spa" else self.server.classic_url


@pytest.fixture
def demo_sites(demo_world: World) -> Iterator[DemoSites]:
    clock = SimClock(demo_world.start)
    with DemoServer(demo_world, clock) as server:
        yield DemoSites(server, clock)


Crawl = Callable[..., CrawlOutcome]


@pytest.fixture
def crawl(demo_sites: DemoSites, tmp_path: Path) -> Crawl:
    """Crawl a demo site as of the demo clock's day, in its own process, like `scout crawl`."""

    def run(site: str = "demo_classic", time_limit: float | None = 300) -> CrawlOutcome:
        return run_crawl_process(
            site, tmp_path / "logs", demo_sites.url(site), time_limit, as_of=demo_sites.clock.now()
        )

    return run
