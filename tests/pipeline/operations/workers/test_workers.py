"""Scout's jobs on a task queue: `scout worker` processes over a real Redis and PostgreSQL,
crawling demo sites on loopback (docs/scaling.md)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import redis

from pipeline.core.settings import load_settings
from pipeline.operations import workers

from .conftest import SITES, Store, one_process_run
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


def test_workers_crawl_each_site_once_and_store_what_one_process_does(
    store: Store, tmp_path: Path, demo_world, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = store.sites(SITES)
    with fleet.Fleet(store.env, tmp_path / "logs").start(2) as workforce:
        jobs = _enqueue_all(store, names)
        # a second crawl of a site while one is queued or running is not enqueued
        assert workers.enqueue_crawl(load_settings(), names[0], 300) is None
        try:
            fleet.wait_idle(store.env["SCOUT_BROKER_URL"])
        except AssertionError:
            raise AssertionError(workforce.logs()) from None
        # A busy machine can keep one worker from answering a 2 s broadcast; both must
        # answer within a minute.
        seen: list[dict] = []

        def both_answer() -> bool:
            seen.append(workers.status(load_settings(), timeout=2))
            return len(seen[-1]["workers"]) == 2

        fleet.wait_for(both_answer, 60, "both workers to answer `scout workers`")
        state = seen[-1]
    runs = fleet.crawl_runs(store.database)
    assert sorted(site for site, *_ in runs) == sorted(names), runs
    assert {status for _, status, *_ in runs} == {"complete"}
    assert len(state["workers"]) == 2 and not state["failed"], state
    assert sorted(e["site"] for e in state["finished"] if e["job"] == "scout.crawl") == names
    assert {e["job"] for e in state["finished"]} == {"scout.crawl", "scout.analyse", "scout.link"}
    stored = fleet.fingerprint(store.database)
    assert stored["adverts"] and stored["hits"] and stored["clusters"]
    reference = one_process_run(tmp_path / "one", demo_world, names, monkeypatch)
    assert stored == reference, fleet.differences(stored, reference)

    # Every job is idempotent: each run again stores nothing twice.
    assert workers.crawl_job.apply(args=(names[0],), task_id=jobs[0]).get() == (
        "skipped: done already"
    )
    with store.database.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id FROM advert_versions")
        version_ids = [row[0] for row in rows]
    assert workers.analyse_job.apply(args=(version_ids,)).get() == "done"
    assert workers.link_job.apply().get() == "done"
    assert fleet.fingerprint(store.database) == stored
    assert len(fleet.crawl_runs(store.database)) == len(names)


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
