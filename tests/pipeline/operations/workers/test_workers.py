"""Scout's jobs on a task queue: `scout worker` processes over a real Redis and PostgreSQL,
crawling demo sites on loopback (docs/scaling.md)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from demo.world import World
from pipeline.core.app import Context
from pipeline.core.settings import load_settings
from pipeline.operations import stages, workers

from .conftest import BROWSER_SITES, HTML_SITES, SMALL_WORLD, Store, one_process_run
from helpers import fleet

pytestmark = [
    pytest.mark.subprocess,  # worker processes and the crawls they start
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]


def _enqueue_all(store: Store, names: list[str]) -> list[str]:
    settings = load_settings()
    jobs = [workers.enqueue_crawl(settings, name, 300, as_of=store.clock.now()) for name in names]
    assert all(jobs), jobs
    return [job for job in jobs if job]


def _answering(count: int, seconds: float = 60) -> dict:
    """`scout workers` once all `count` workers answer: a busy machine can keep one from
    answering a 2 s broadcast, so they get a minute (and longer to start)."""
    seen: list[dict] = []

    def all_answer() -> bool:
        seen.append(workers.status(load_settings(), timeout=2))
        return len(seen[-1]["workers"]) == count

    fleet.wait_for(all_answer, seconds, f"{count} workers to answer `scout workers`")
    return seen[-1]


@pytest.mark.browser  # one of the sites is crawled through Chromium
@pytest.mark.slow
@pytest.mark.timeout(1800)  # ~2 min on a quiet 2-core machine; far longer under load
@pytest.mark.parametrize("world", [SMALL_WORLD], indirect=True)
def test_three_workers_crawl_twenty_sites_once_each_and_store_what_one_process_does(
    store: Store, tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = store.sites(HTML_SITES, BROWSER_SITES)
    url = store.env["SCOUT_BROKER_URL"]
    # A crawl is handed out twice only as this test does below, not after the store's 12 s
    # (kept short for the killed-worker test): a loaded machine's crawls take longer. A
    # site's lock outlives a renewal missed on a loaded machine.
    for name, value in {
        "SCOUT_BROKER_VISIBILITY_TIMEOUT": "1800", "SCOUT_WORKER_LOCK_SECONDS": "15"
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
        store.env[name] = value
    settings = load_settings()
    # The crawls run on the wall clock (no `as_of`): the crawl runs' stored start and end
    # times then compare across processes, so two runs of a site at once would show.
    with fleet.Fleet(store.env, tmp_path / "logs").start(3) as workforce:
        try:
            _answering(3, 300)  # started: the copies below need workers free
            first = workers.enqueue_crawl(settings, names[0], 300)
            # a copy of a crawl job handed out again while the crawl runs (as the broker does
            # after its visibility timeout): it finds the site locked, waits, and is skipped
            workers.celery_app.send_task(
                "scout.crawl", args=(names[0],), task_id=first, kwargs={"time_limit": 300}
            )
            second = workers.enqueue_crawl(settings, names[1], 300)
            # another crawl job of a site (as if its queued mark had expired): it waits for
            # the site's lock and crawls after the first, never beside it
            workers.celery_app.send_task(
                "scout.crawl", args=(names[1],), kwargs={"time_limit": 300}
            )
            jobs = [first, second] + [workers.enqueue_crawl(settings, n, 300) for n in names[2:]]
            assert all(jobs), jobs
            # the scheduler's next tick in the same interval: every site is queued or running
            assert [workers.enqueue_crawl(settings, name, 300) for name in names] == [None] * len(
                names
            )
            fleet.wait_idle(url, 1500)
            state = _answering(3)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{workforce.logs()}") from None
        logs = workforce.logs(whole=True)
    runs = fleet.crawl_runs(store.database)
    crawled = sorted([*names, names[1]])  # once per interval, the extra job's site twice
    assert sorted(site for site, *_ in runs) == crawled, runs
    assert {status for _, status, *_ in runs} == {"complete"}, runs
    assert all(started and finished for _, _, started, finished in runs), runs
    assert fleet.overlapping_runs(runs) == [], runs  # never two crawls of a site at once
    assert f"scout.crawl[{first}] retry" in logs  # the copy found its site locked
    assert not state["failed"], state
    finished = fleet.finished_jobs(url)
    assert sorted(e["site"] for e in finished if e["job"] == "scout.crawl") == crawled
    assert {e["job"] for e in finished} == {"scout.crawl", "scout.analyse", "scout.link"}
    with Context() as context:
        assert stages.pending_versions(context) == []  # analysis complete
    stored = fleet.fingerprint(store.database)
    assert {site for site, *_ in stored["adverts"]} == set(names)
    assert stored["hits"] and stored["clusters"]
    # linking complete: every advert is in a cluster, as after the one-process run
    assert sum(len(members) for members in stored["clusters"]) == len(stored["adverts"])
    reference = one_process_run(
        tmp_path / "one", world, HTML_SITES, monkeypatch, BROWSER_SITES, simulated=False
    )
    assert stored == reference, fleet.differences(stored, reference)

    # Every job is idempotent: each run again stores nothing twice.
    assert workers.crawl_job.apply(args=(names[0],), task_id=jobs[0]).get() == (
        "skipped: done already"
    )
    with store.database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id FROM advert_versions"))
        version_ids = [row[0] for row in rows]
    assert workers.analyse_job.apply(args=(version_ids,)).get() == "done"
    assert workers.link_job.apply().get() == "done"
    assert fleet.fingerprint(store.database) == stored
    assert len(fleet.crawl_runs(store.database)) == len(crawled)


def test_a_worker_killed_mid_crawl_leaves_the_crawl_to_another(
    store: Store, tmp_path: Path, demo_world, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site,) = store.sites(["demo_a"], download_delay=0.05, concurrency_per_domain=1)
    with fleet.Fleet(store.env, tmp_path / "logs").start(2) as workforce:
        _enqueue_all(store, [site])

        def crawling() -> list[tuple[int, int]]:
            return [(worker.pid, child) for worker in workforce.workers
                    for child in fleet.children_of(worker.pid)]  # fmt: skip

        fleet.wait_for(lambda: bool(crawling()), 60, "a worker to start the crawl")
        fleet.wait_for(lambda: len(store.server.requests) > 20, 60, "the crawl to go on")
        ((holder, child),) = crawling()
        os.kill(holder, signal.SIGKILL)
        # the killed worker's crawl process dies with it: no two crawls of the site at once
        fleet.wait_for(lambda: not fleet.alive(child), 10, "the orphaned crawl to end")
        try:
            fleet.wait_idle(store.env["SCOUT_BROKER_URL"])
        except AssertionError:
            raise AssertionError(workforce.logs()) from None
    runs = fleet.crawl_runs(store.database)
    assert [status for _, status, *_ in runs][-1] == "complete", runs
    assert len(runs) == 2 and runs[0][1] != "complete", runs
    stored = fleet.fingerprint(store.database)
    reference = one_process_run(tmp_path / "one", demo_world, [site], monkeypatch)
    assert stored["adverts"] and stored == reference, fleet.differences(stored, reference)


def test_jobs_resume_after_the_broker_restarts(store: Store, tmp_path: Path) -> None:
    server = fleet.RedisServer(tmp_path / "redis").start()
    try:
        env = {**store.env, "SCOUT_BROKER_URL": server.url}
        queued = fleet.request_link(env)  # queued while no worker runs
        server.restart()  # the queue is kept (append-only file)
        with fleet.Fleet(env, tmp_path / "logs").start(1) as workforce:
            client = redis.Redis.from_url(server.url, decode_responses=True)

            def finished(job: str | None) -> bool:
                try:
                    return bool(client.exists(f"scout:done:{job}"))
                except redis.RedisError:
                    return False

            try:
                fleet.wait_for(lambda: finished(queued), 90, "the job queued before the restart")
                server.restart()  # with the worker connected
                again = fleet.request_link(env, full=True)
                fleet.wait_for(lambda: finished(again), 120, "a job sent after the restart")
            except AssertionError:
                raise AssertionError(workforce.logs()) from None
    finally:
        server.stop()


def test_the_scheduler_enqueues_instead_of_running_with_a_broker(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli.main import main
    from pipeline.operations import jobs

    (site,) = store.sites(["demo_a"])
    assert jobs.crawl_site(site, 60) == "enqueued"
    assert jobs.crawl_site(site, 60) == "skipped"  # one is queued already
    assert jobs.weekly_full_link() == "enqueued"
    client = redis.Redis.from_url(store.env["SCOUT_BROKER_URL"])
    assert (client.llen("crawl"), client.llen("link")) == (1, 1)
    assert fleet.crawl_runs(store.database) == []  # nothing ran here
    assert main(["workers", "--timeout", "0.5"]) == 0
    shown = capsys.readouterr().out
    assert "(none answered)" in shown and "queued: crawl 1, analyse 0, link 1" in shown
