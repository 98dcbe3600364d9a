"""Two simulated weeks of the schedule against the demo site, on a simulated clock."""

from __future__ import annotations

import importlib
import socket
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import build_world
from models import AdvertVersion, AuditEntry, Cluster, CrawlRun, Site
from pipeline.core import clock
from pipeline.core.app import App
from pipeline.core.settings import load_settings
from pipeline.operations.jobs import read_state
from pipeline.operations.scheduling import JobSpec, job_specs
from pipeline.stages import crawling
from spiders.sitefile import SITES_DIR, load_all_sites

pytestmark = pytest.mark.subprocess  # the scheduler and the crawls it starts

START = date(2026, 10, 19)  # a Monday; the clocks go back on Sunday 25 October


def simulate(
    specs: list[JobSpec], start: datetime, end: datetime, run: Callable[[JobSpec, datetime], None]
) -> list[tuple[str, datetime]]:
    """Fire every job as APScheduler would between start and end, in time order, by calling
    `run(spec, when)`; no waiting. Returns the (job id, time) sequence."""
    fired: list[tuple[str, datetime]] = []
    upcoming = {spec.id: spec.trigger.get_next_fire_time(None, start) for spec in specs}
    by_id = {spec.id: spec for spec in specs}
    while True:
        due = [(when, job_id) for job_id, when in upcoming.items() if when and when <= end]
        if not due:
            return fired
        when, job_id = min(due)
        run(by_id[job_id], when)
        fired.append((job_id, when))
        upcoming[job_id] = by_id[job_id].trigger.get_next_fire_time(when, when)
        if upcoming[job_id] == when:  # same instant again: step past it
            upcoming[job_id] = by_id[job_id].trigger.get_next_fire_time(
                when, when + timedelta(seconds=1)
            )


def _site_files(folder: Path, base_url: str, closed_port: int) -> None:
    classic = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())
    for name, hours, url in (
        ("demo_classic", 24, base_url),
        ("demo_classic_slow", 48, base_url),
        ("demo_down", 168, f"http://127.0.0.1:{closed_port}"),
    ):
        data = {**classic, "name": name, "base_url": url, "crawl_interval_hours": hours}
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Two simulated weeks of real triggers take 2–4 minutes on a loaded 2-core machine: more than
# the suite's default 300 s limit allows for.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_schedule_two_simulated_weeks(database, settings, tmp_path, monkeypatch) -> None:
    world = build_world(seed=7, days=14, start=START)
    demo_clock = SimClock(START)
    tz = settings.tz
    start = datetime(2026, 10, 19, tzinfo=tz)
    # 14 × 24 real hours (the wall clock gains an hour on 25 October)
    end = start.astimezone(UTC) + timedelta(days=14) - timedelta(seconds=1)
    with DemoServer(world, demo_clock) as server:
        (tmp_path / "sites").mkdir()
        _site_files(tmp_path / "sites", server.classic_url, _closed_port())
        monkeypatch.setenv("SCOUT_SITES_DIR", str(tmp_path / "sites"))
        specs = job_specs(load_settings(), load_all_sites(), crawl_time_limit=120, start=start)

        def run(spec: JobSpec, when: datetime) -> None:
            clock.set_now(when)
            demo_clock.day = min(13, (when.astimezone(tz).date() - START).days)
            module, name = spec.func.split(":")
            getattr(importlib.import_module(module), name)(*spec.args, **spec.kwargs)

        try:
            fired = simulate(specs, start, end, run)
        finally:
            clock.set_now(None)
    count = Counter(job_id for job_id, _ in fired)
    assert count["crawl:demo_classic"] == 14
    assert count["crawl:demo_classic_slow"] == 7
    assert count["crawl:demo_down"] == 2
    assert count["purge"] == 14
    assert count["link-full"] == 2  # Sundays
    digests = [when for job_id, when in fired if job_id == "digest"]
    assert [d.astimezone(tz).hour for d in digests] == [7, 7]  # either side of the DST change
    assert [d.astimezone(tz).utcoffset() for d in digests] == [
        timedelta(hours=2),
        timedelta(hours=1),
    ]
    written = sorted(p.name for p in (settings.data_dir / "digests").glob("digest-*.html"))
    assert written == ["digest-2026-W42.html", "digest-2026-W43.html"]
    state = read_state(App())
    assert state["crawl:demo_down"]["result"] == "incomplete"  # its listing failed
    assert state["crawl:demo_classic"]["detail"]["versions_analysed"] >= 0
    with database.session() as session:
        runs = session.execute(select(Site.name, CrawlRun.status).join(CrawlRun)).all()
        by_site = Counter((name, status) for name, status in runs)
        assert by_site[("demo_classic", "complete")] == 14  # the broken site stopped nothing
        assert by_site[("demo_classic_slow", "complete")] == 7
        unanalysed = (
            select(func.count())
            .select_from(AdvertVersion)
            .where(AdvertVersion.analysed_ruleset.is_(None))
        )
        assert session.scalar(unanalysed) == 0  # analysis ran after each crawl
        assert session.scalar(select(func.count()).select_from(Cluster)) > 0
        purges = session.scalar(select(func.count()).where(AuditEntry.action == "purge"))
        assert purges == 14


def test_schedule_hung_crawl_is_killed(tmp_path, monkeypatch) -> None:
    """A site that accepts connections and never answers: the crawl is stopped, then killed."""
    monkeypatch.setattr(crawling, "GRACE_SECONDS", 2)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # and never answer
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    try:
        outcome = crawling.run_crawl_process(
            "demo_classic",
            tmp_path / "logs",
            base_url=f"http://127.0.0.1:{listener.getsockname()[1]}",
            time_limit=3,
        )
    finally:
        stop.set()
        listener.close()
    assert outcome.status in ("failed", "incomplete")
    assert outcome.seconds < 3 + 2 + 20
