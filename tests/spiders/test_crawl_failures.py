"""Crawls that go wrong: changed markup, blocks, rate limits, kills, lost databases."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from models import Advert, AdvertVersion, CrawlRun, Sighting
from pipeline.core.db import Database
from spiders.items import AdvertItem
from spiders.pipelines.store import StorePipeline
from spiders.sitefile import SITES_DIR
from spiders.storage.ingest import IngestCounts


def _count(database: Database, model: type, *where: object) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _runs(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_changed_layout_is_degraded_and_marks_nothing_gone(database, demo_sites, crawl):
    assert crawl().status == "complete"
    live = _count(database, Advert, Advert.gone_at.is_(None))
    demo_sites.server.classic.layout_version = 2
    for _ in range(2):  # two "complete-looking" crawls would otherwise mark everything gone
        outcome = crawl()
        assert (outcome.status, outcome.returncode) == ("degraded", 4)
        assert any("markup" in warning for warning in outcome.warnings)
    assert _count(database, Advert, Advert.gone_at.is_(None)) == live
    assert _runs(database) == ["complete", "degraded", "degraded"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_blocked_site_stops_and_reports(database, demo_sites, crawl) -> None:
    demo_sites.server.classic.blocked = True
    outcome = crawl()
    assert (outcome.status, outcome.returncode) == ("blocked", 5)
    assert any("blocked" in warning for warning in outcome.warnings)
    pages = [r for r in demo_sites.server.requests if r["path"] != "/robots.txt"]
    assert len(pages) <= 3, "a blocked crawl stops instead of trying page after page"
    assert _runs(database) == ["blocked"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_honours_retry_after(database, demo_sites, crawl, tmp_path, monkeypatch) -> None:
    # one request at a time, so "the next request" is well defined
    _politeness(tmp_path, monkeypatch, concurrency_per_domain=1)
    demo_sites.server.classic.rate_limited = 2
    outcome = crawl()
    assert outcome.status == "complete"
    log = demo_sites.server.requests
    limited = [i for i, r in enumerate(log) if r["status"] == 429]
    assert len(limited) == 2
    after = log[limited[-1] + 1]
    assert after["time"] - log[limited[-1]]["time"] >= 0.9, "waited for Retry-After: 1"
    with database.session() as session:
        assert session.scalar(select(CrawlRun.stats))["retry_after"] >= 1


def _politeness(tmp_path, monkeypatch, **values: object) -> None:
    """Crawl a copy of the demo site file with other politeness values."""
    site = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())
    site["politeness"].update(values)
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "demo_classic.yaml").write_text(yaml.safe_dump(site))
    monkeypatch.setenv("SCOUT_SITES_DIR", str(tmp_path / "sites"))


def _start_crawl(demo_sites) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-P",
            "-m",
            "spiders.run",
            "demo_classic",
            "--base-url",
            demo_sites.url("demo_classic"),
            "--as-of",
            demo_sites.clock.now().isoformat(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_crawl_interrupted_then_resumed_loses_nothing(
    database, demo_world, demo_sites, crawl, how, tmp_path, monkeypatch
) -> None:
    assert crawl().status == "complete"  # day 0, complete
    _politeness(tmp_path, monkeypatch, concurrency_per_domain=1, download_delay=0.05)
    demo_sites.clock.day = 1
    child = _start_crawl(demo_sites)
    day0 = _count(database, Sighting)
    deadline = time.monotonic() + 60
    while _count(database, Sighting) == day0 and time.monotonic() < deadline:
        time.sleep(0.02)  # wait until the day-1 crawl has stored its first batch
    child.send_signal(how)
    assert child.wait(timeout=60) != 0
    partly = _count(database, Sighting) - day0
    assert 0 < partly < len(demo_world.live("classic", 1)) - 1, "killed part way"
    monkeypatch.delenv("SCOUT_SITES_DIR")  # resume at the demo's own pace
    outcome = crawl()
    assert outcome.status == "complete"
    statuses = _runs(database)
    assert statuses[0] == "complete" and statuses[1] == "incomplete" and statuses[2] == "complete"
    truth = {a.external_id for a in demo_world.live("classic", 1)}
    with database.session() as session:
        rows = session.execute(select(Advert.external_id, Advert.gone_at)).all()
        ids = [external_id for external_id, _ in rows]
        assert len(ids) == len(set(ids))
        live = {external_id for external_id, gone in rows if gone is None}
        oversized = "104042"
        assert live == truth - {oversized}
        versions = session.execute(
            select(Advert.external_id, func.count())
            .join(AdvertVersion, AdvertVersion.advert_id == Advert.id)
            .group_by(Advert.external_id)
        ).all()
    # no advert got a second version from being seen twice: one per edit shown on days 0 and 1
    shown = {
        a.external_id: len({a.version_on(day) for day in (0, 1) if a.live_on(day)})
        for a in demo_world.adverts
        if a.site == "classic"
    }
    assert {ext: shown[ext] for ext, _ in versions} == dict(versions)


@pytest.mark.subprocess
def test_crawl_database_unreachable_at_start_is_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SCOUT_DATABASE_URL", "postgresql://scout:pw@127.0.0.1:1/scout")
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pipeline.cli.main", "crawl", "demo_classic"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot reach database")
    assert result.stderr.strip().count("\n") == 0 and "pw@" not in result.stderr


class _FlakySession:
    """Stands in for CrawlSession: the database fails `failures` times, then works."""

    def __init__(self, failures: int) -> None:
        self.failures, self.saved, self.pending = failures, [], 0
        self.counts = IngestCounts()
        self.store_failed = None

    def save(self, items: list[AdvertItem], listed: object) -> None:
        if self.failures:
            self.failures -= 1
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        self.saved.extend(items)
        self.counts.new += len(items)


class _Engine:
    def __init__(self) -> None:
        self.closed_with: list[str] = []

    async def close_spider_async(self, *, reason: str) -> None:
        self.closed_with.append(reason)


def _pipeline(session: _FlakySession) -> tuple[StorePipeline, _Engine]:
    engine = _Engine()
    spider = SimpleNamespace(crawl_session=session, listed=set())
    crawler = SimpleNamespace(spider=spider, engine=engine)
    return StorePipeline(crawler, batch_size=2, retries=2), engine


def _item(n: int) -> AdvertItem:
    from datetime import UTC, datetime

    return AdvertItem(site="s", external_id=str(n), url="u", fetched_at=datetime.now(UTC), text="t")


def test_store_pipeline_retries_a_lost_database(monkeypatch) -> None:
    monkeypatch.setattr("spiders.pipelines.store.time.sleep", lambda seconds: None)
    session = _FlakySession(failures=2)
    pipeline, engine = _pipeline(session)
    for n in range(4):
        pipeline.process_item(_item(n))
    pipeline.close_spider()
    assert [i.external_id for i in session.saved] == ["0", "1", "2", "3"]
    assert engine.closed_with == []


def test_store_pipeline_stops_the_crawl_and_says_how_far(monkeypatch) -> None:
    monkeypatch.setattr("spiders.pipelines.store.time.sleep", lambda seconds: None)
    # outside a reactor: run the engine's close coroutine straight away
    monkeypatch.setattr("spiders.pipelines.store.deferred_from_coro", asyncio.run)
    session = _FlakySession(failures=0)
    pipeline, engine = _pipeline(session)
    for n in range(2):
        pipeline.process_item(_item(n))
    session.failures = 99
    for n in range(2, 5):
        pipeline.process_item(_item(n))
    pipeline.close_spider()
    assert engine.closed_with == ["database_unavailable"]
    # written when the crawl stops (items 2 and 3 in the failed batch)
    assert session.store_failed == (
        "server closed the connection — 2 adverts stored, 2 not stored; run the crawl again"
    )
    assert session.pending == 3  # 2, 3 and the 4 that came after: kept, counted, not dropped
