"""The stage API on both engines: each stage function, given a Context on a small world,
returns its summary and reports its progress while it works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import build_world
from models import Advert
from pipeline.core import clock
from pipeline.core.app import Context
from pipeline.core.db import Database
from pipeline.core.settings import Settings, load_settings
from pipeline.operations import stages
from pipeline.operations.stages import Progress
from pipeline.reports import export

from helpers import operators


@pytest.fixture
def context(settings: Settings) -> Iterator[Context]:
    with Context(settings) as made:
        yield made


def _steps(reports: list[Progress], stage: str) -> list[tuple[int, int | None]]:
    """(done, total) of each report, after checking they all name the stage and add up."""
    assert reports and {r.stage for r in reports} == {stage}
    assert all(r.message for r in reports)
    dones = [r.done for r in reports]
    assert dones == sorted(dones)
    assert all(r.total is None or 0 <= r.done <= r.total for r in reports)
    return [(r.done, r.total) for r in reports]


def test_stages_analyse_reports_each_batch(outreach_db: Database, context: Context) -> None:
    reports: list[Progress] = []
    summary = stages.analyse(context, everything=True, progress=reports.append)
    with outreach_db.session() as session:
        adverts = session.scalar(select(func.count()).select_from(Advert))
    assert summary.versions >= adverts > 0
    steps = _steps(reports, "analyse")
    assert steps[0] == (0, None)  # before the versions to analyse are counted
    assert (summary.versions, summary.versions) in steps[1:-1]  # the (one) batch
    assert steps[-1] == (summary.versions, summary.versions)


def test_stages_link_reports_each_phase(outreach_db: Database, context: Context) -> None:
    reports: list[Progress] = []
    summary = stages.link(context, progress=reports.append)
    assert summary.adverts > 0 and summary.clusters > 0
    assert _steps(reports, "link") == [(0, 3), (1, 3), (3, 3)]
    assert [r.message for r in reports] == ["linking", "clustering", "scoring"]


def test_stages_digest_reports_start_and_end(
    outreach_db: Database, context: Context, tmp_path: Path
) -> None:
    reports: list[Progress] = []
    result = stages.digest(context, week="2026-W45", out=tmp_path, progress=reports.append)
    assert result.week.label == "2026-W45"
    assert result.path == tmp_path / "digest-2026-W45.html" and result.path.stat().st_size > 0
    assert _steps(reports, "digest") == [(0, 1), (1, 1)]
    assert reports[-1].message == "digest of 2026-W45 written"


def test_stages_export_reports_start_and_end(
    outreach_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    operators.set_operator(monkeypatch, default_role="researcher")
    # This test is about progress reports. The small world is too small for the export's
    # floors (k >= 5 persons, l >= 2), so they are lifted here; test_export_run checks them.
    monkeypatch.setattr(export, "require_floors", lambda k, l_div: None)
    settings = load_settings().model_copy(update={"export_k": 2, "export_l": 1})
    reports: list[Progress] = []
    with Context(settings) as context:
        result = stages.export(
            context,
            recipient="Uni A",
            basis="Research",
            expires=date.today() + timedelta(days=365),
            out=tmp_path / "x",
            progress=reports.append,
        )
    assert result.path == tmp_path / "x" and result.counts["adverts"] > 0
    assert (tmp_path / "x" / "adverts.csv").is_file()
    assert _steps(reports, "export") == [(0, 1), (1, 1)]


def test_stages_purge_reports_start_and_end(outreach_db: Database, context: Context) -> None:
    with outreach_db.session() as session:
        first = session.scalar(select(func.min(Advert.id)))
        went = datetime(2026, 11, 5, tzinfo=UTC)
        session.execute(update(Advert).where(Advert.id == first).values(gone_at=went))
        gone = session.scalar(select(func.count()).where(Advert.gone_at.is_not(None)))
    clock.set_now(datetime(2030, 1, 1, tzinfo=UTC))  # every gone advert is past retention
    reports: list[Progress] = []
    report = stages.purge(context, dry_run=True, progress=reports.append)
    assert report.dry_run and report.adverts == gone > 0
    with outreach_db.session() as session:  # a dry run only counts
        assert session.scalar(select(func.count()).where(Advert.gone_at.is_not(None))) == gone
    assert _steps(reports, "purge") == [(0, 1), (1, 1)]


@pytest.mark.subprocess  # the crawl runs in a child process
def test_stages_crawl_reports_the_crawl_process_progress(
    database: Database, context: Context
) -> None:
    world = build_world(seed=7, days=2, n_independent=6, n_controllers=2)
    demo_clock = SimClock(world.start)
    reports: list[Progress] = []
    with DemoServer(world, demo_clock) as server:
        summary = stages.crawl(
            context,
            sites=["demo_classic"],
            base_urls={"demo_classic": server.classic_url},
            time_limit=300,
            as_of=demo_clock.now(),
            progress=reports.append,
        )
    [outcome] = summary.outcomes
    assert outcome.status == "complete" and summary.exit_code == 0
    numbers = summary.numbers(outcome)
    with database.session() as session:
        stored = session.scalar(select(func.count()).select_from(Advert))
    assert numbers is not None and numbers.new == numbers.adverts == stored > 0
    steps = _steps(reports, "crawl")
    assert reports[0].message == "demo_classic: starting" and steps[0] == (0, 1)
    assert any(" pages, " in r.message for r in reports[1:-1])  # the child's progress lines
    assert steps[-1] == (1, 1)
