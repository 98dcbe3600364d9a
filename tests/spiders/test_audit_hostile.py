"""Audit 2026-12-02, hostile pages: crawl demo/hostile.py on loopback, case by case (H1–H26)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from demo.hostile import OTHER_HOST, SITE_FILES, HostileServer
from models import Advert, AdvertVersion, CrawlRun
from pipeline.core.db import Database
from pipeline.stages import crawling
from pipeline.stages.crawling import CrawlOutcome, run_crawl_process

from helpers.crawled import last_run

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]
LONG_ID = "x" * 300
NORMAL = {f"n{i}" for i in range(1, 12)}


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer(retry_after=1) as server:
        yield server


Crawl = Callable[..., CrawlOutcome]


@pytest.fixture
def crawl(hostile: HostileServer, tmp_path: Path) -> Crawl:
    """Crawl the hostile site in its own process, like `scout crawl hostile`."""

    def run(
        mode: str, site: str = "hostile", on_progress: Callable | None = None, **change: Any
    ) -> CrawlOutcome:
        hostile.mode = mode
        sites, base_url = SITE_FILES, hostile.url
        if change:  # a copy of the site file with its real address and the changes
            sites = tmp_path / "sites"
            sites.mkdir(exist_ok=True)
            data = yaml.safe_load((SITE_FILES / f"{site}.yaml").read_text())
            (sites / f"{site}.yaml").write_text(
                yaml.safe_dump({**data, "base_url": hostile.url, **change})
            )
            base_url = None
        return run_crawl_process(
            site, tmp_path / "logs", base_url, 120, on_progress,
            env={"SCOUT_SITES_DIR": str(sites)},
        )  # fmt: skip

    return run


def _stored(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(Advert.external_id)))


def _titles(database: Database) -> dict[str, str]:
    with database.session() as session:
        rows = session.execute(select(Advert.external_id, Advert.title)).all()
        return {external_id: title for external_id, title in rows}


def _errors(run: CrawlRun) -> dict[str, str]:
    """The run's recorded failures, by the last part of their URL."""
    return {e["url"].rsplit("/", 1)[-1]: e["error"] for e in run.errors}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_audit_hostile_all_pages(database, hostile, crawl) -> None:
    outcome = crawl("all")
    stored, run = _stored(database), last_run(database)
    errors = _errors(run)
    # H6: "captcha" in an advert and in a listing link does not stop the crawl as blocked
    assert outcome.status != "blocked", outcome.warnings
    assert "captcha" in stored
    # H1, H2, H3, H4, H14, H21, H26: stored without a crash
    assert {"xss", "osc", "city", "evidence", "badenc", "schemes", "optout"} <= stored
    # H15: ASCII served as UTF-16 is decoded by its bytes, and the mismatch is counted
    assert "utf16lie" in stored
    assert run.stats["charset_mismatch"] == 1
    titles = _titles(database)
    assert "<script" not in titles["xss"] and "alert('t')" in titles["xss"]  # H1: tags gone
    assert "\x1b[" not in titles["osc"]  # H2: CSI sequences removed at ingestion
    # H13: 200 000 nested elements give lxml an empty tree: the advert is lost, nothing hangs
    assert "nested" not in stored
    assert LONG_ID not in stored  # H23: dropped with a reason on SQLite too (see below)
    assert stored >= NORMAL
    # H5: no text, dropped
    assert "notext" not in stored
    # H7, H9: the 10 MB page and the gzip bomb are refused at the size cap and recorded
    assert {"huge", "gzbomb"}.isdisjoint(stored)
    assert "max size" in errors["huge"], errors
    assert "DOWNLOAD_MAXSIZE" in errors["gzbomb"], errors
    # H10, H12: the big image and the gzip-bomb image are refused; H11 gives no hash; the
    # advert itself is stored
    assert "bigimg" in stored
    assert "max size" in errors["big.jpg"] and "DOWNLOAD_MAXSIZE" in errors["gzbomb.png"]
    # H16, H19, H20: nothing at all was asked of the other host (not even its robots.txt)
    assert hostile.paths(OTHER_HOST) == []
    assert "offimg" in stored and "offreveal" in stored
    assert "outside allowed_domains" in errors["ok.png"] and "outside" in errors["phone"]
    # H17: the redirect loop is followed once each way, then dropped
    paths = hostile.paths("127.0.0.1")
    assert paths.count("/ad/redir-loop") == 1 and paths.count("/ad/redir-loop2") == 1
    # H22: the robots-disallowed advert is never requested
    assert "/ad/private1" not in paths
    assert run.stats["robots_forbidden"] == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_h19_h20_other_host_allowed_still_obeys_its_robots(database, hostile, crawl) -> None:
    outcome = crawl("sides", allowed_domains=["127.0.0.1", OTHER_HOST])
    assert outcome.status == "complete", outcome.warnings
    # robots.txt of the other host is fetched and its `Disallow: /` obeyed for side requests
    assert hostile.paths(OTHER_HOST) == ["/robots.txt"]
    assert {"offimg", "offreveal", "schemes", "n1"} <= _stored(database)
    assert last_run(database).stats["robots_forbidden"] == 2


def test_h23b_long_external_id_dropped_the_others_stored(database, crawl) -> None:
    outcome = crawl("longid")
    assert outcome.status == "complete", outcome.warnings
    assert _stored(database) == NORMAL
    errors = [e["error"] for e in last_run(database).errors]
    assert errors == ["advert external_id longer than 200 characters; advert not stored"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_h6_captcha_word_in_advert_is_no_block(database, crawl) -> None:
    outcome = crawl("captcha")
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome.warnings
    assert _stored(database) == {"captcha", "n1"}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_h24_403_on_one_advert_blocks_the_site(database, crawl) -> None:
    outcome = crawl("forbid")
    assert (outcome.status, outcome.returncode) == ("blocked", 5)
    assert any("HTTP 403" in warning for warning in outcome.warnings)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_h25_retry_after_honoured_then_stored(database, hostile, crawl) -> None:
    outcome = crawl("retry")
    assert outcome.status == "complete", outcome.warnings
    assert hostile.paths("127.0.0.1").count("/ad/slow503") == 2
    assert _stored(database) == {"slow503", "n1"}
    assert last_run(database).stats["retry_after"] == 1


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_h8_browser_mode_refuses_the_10mb_page(database, crawl) -> None:
    outcome = crawl("huge", site="hostile_browser")
    assert _stored(database) == {"n1"}, outcome.warnings
    assert "larger than download max size" in _errors(last_run(database))["huge"]


def test_f1_f12_killed_crawl_one_line_then_marked_incomplete(database, crawl) -> None:
    said: list[int] = []

    def kill_once_stored(progress: dict[str, Any]) -> None:
        if progress["stored"] and not said:  # killed part way, after a committed batch
            said.append(progress["stored"])
            (child,) = crawling._children
            os.kill(child.pid, signal.SIGKILL)

    outcome = crawl("inf", on_progress=kill_once_stored)
    # F1: one line saying how it ended, what was stored and where the log is; not the
    # log's last (INFO) line
    assert outcome.status == "failed" and outcome.error is not None
    assert "\n" not in outcome.error and "INFO" not in outcome.error
    assert outcome.error.startswith("the crawl process was killed (SIGKILL); ")
    assert f"{said[0]} adverts were stored before it stopped" in outcome.error
    assert outcome.error.endswith(f"log: {outcome.log_path}")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Advert)) >= said[0]
        assert list(session.scalars(select(CrawlRun.status))) == ["running"]
    # F12: the next crawl of the site records the killed run as incomplete
    assert crawl("captcha").status == "complete"
    with database.session() as session:
        statuses = list(session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)))
    assert statuses == ["incomplete", "complete"]


def test_d6_f6_two_crawls_of_one_site_at_once_lose_and_duplicate_nothing(
    database, hostile, tmp_path
) -> None:
    hostile.mode = "longid"

    def crawl_once(name: str) -> CrawlOutcome:
        return run_crawl_process(
            "hostile", tmp_path / name, hostile.url, 120, env={"SCOUT_SITES_DIR": str(SITE_FILES)}
        )

    with ThreadPoolExecutor(2) as pool:  # two `scout crawl hostile` at once, one database
        outcomes = list(pool.map(crawl_once, ["logs-a", "logs-b"]))
    assert [o.status for o in outcomes] == ["complete", "complete"], [o.error for o in outcomes]
    with database.session() as session:
        external_ids = list(session.scalars(select(Advert.external_id)))
        versions = session.scalar(select(func.count()).select_from(AdvertVersion))
        runs = list(session.scalars(select(CrawlRun.status)))
    assert sorted(external_ids) == sorted(NORMAL)  # none lost, none stored twice
    assert versions == len(NORMAL)  # the same text seen twice is one version
    assert runs == ["complete", "complete"]


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process: pid → (parent pid, start time, state), from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(fields[1]), fields[19], fields[0])
    return found


def _descendants(pid: int) -> dict[int, str]:
    """The processes under `pid`: pid → start time (a reused pid is another process)."""
    table, found, todo = _processes(), {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, started, _) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                todo.append(child)
    return found


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _alive(processes: dict[int, str]) -> list[int]:
    table = _processes()
    return [
        p for p, started in processes.items()
        if p in table and table[p][1] == started and table[p][2] != "Z"
    ]  # fmt: skip


def _profiles(temp: Path) -> list[str]:
    return [p.name for p in temp.rglob("*") if "playwright" in p.name]


def _kill_when_chromium_runs(temp: Path, seen: dict[str, Any]) -> None:
    for _ in range(1200):  # the crawl process, once Chromium runs with its profile
        children = list(crawling._children)
        if children:
            below = _descendants(children[0].pid)
            names = [_name(p) for p in below]
            profiles = _profiles(temp)
            if any("chrom" in n or "headless" in n for n in names) and profiles:
                seen.update(processes=below, profiles=profiles)
                os.kill(children[0].pid, signal.SIGKILL)
                return
        threading.Event().wait(0.1)


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_f11_killed_browser_crawl_leaves_no_chromium_profile_or_process(
    database, hostile, tmp_path
) -> None:
    hostile.mode, temp = "all", tmp_path / "tmp"
    temp.mkdir()
    seen: dict[str, Any] = {}
    killer = threading.Thread(target=_kill_when_chromium_runs, args=(temp, seen))
    killer.start()
    try:
        outcome = run_crawl_process(
            "hostile_browser", tmp_path / "logs", hostile.url, 120,
            env={"SCOUT_SITES_DIR": str(SITE_FILES), "TMPDIR": str(temp)},
        )  # fmt: skip
        killer.join()
        assert seen["profiles"], "Chromium never ran with a profile in TMPDIR"
        assert outcome.status == "failed" and "SIGKILL" in (outcome.error or "")
        for _ in range(300):  # the driver and Chromium are gone (stopped by run_crawl_process)
            if not _alive(seen["processes"]) and not _profiles(temp):
                break
            threading.Event().wait(0.1)
        assert _alive(seen["processes"]) == []  # no orphaned Chromium or driver
        assert _profiles(temp) == []  # Playwright's Chromium profile removed
        # nothing else either: the crawl's own temporary folder (Chromium's scoped folders
        # in it) is removed when the crawl process has ended
        assert list(temp.iterdir()) == []
    finally:
        for pid in _alive(seen.get("processes", {})):  # never leave our own orphans behind
            os.kill(pid, signal.SIGKILL)
