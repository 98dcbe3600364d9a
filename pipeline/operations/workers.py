"""Scout's jobs on a task queue: Celery over a Redis broker, for `scout worker` processes on
any number of machines (docs/scaling.md).

Three queues: `crawl` (one site's crawl, in its own OS process as ever), `analyse` (a batch
of advert versions) and `link` (incremental linking; global, so one at a time). Every job
is acknowledged only when it has finished, so a dead worker's job goes to another, and
every job is idempotent:

- a crawl job marks its id done when it ends, so a copy of it delivered again is skipped;
  a lock in Redis (renewed while the crawl runs, expiring when its worker dies) keeps two
  crawls of one site from running at once: a crawl that finds its site locked waits and
  tries again;
- an analysis batch skips what is already analysed under the current rules;
- linking is incremental, under a global lock; a link job that finds it held tries again.

The scheduler only enqueues (`enqueue_crawl`); the store stays PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any

import redis
from celery import Celery, Task
from celery.signals import task_failure

from pipeline.core import clock
from pipeline.core.app import Context
from pipeline.core.batches import chunked
from pipeline.core.settings import Settings
from pipeline.operations import stages

logger = logging.getLogger("scout.worker")

QUEUES = ("crawl", "analyse", "link")
ANALYSE_BATCH = 200  # advert versions per analysis job
DONE_SECONDS = 14 * 86400  # how long a finished job's id is remembered
KEEP_FINISHED = 200  # finished and failed jobs `scout workers` can show
PREFIX = "scout:"
FINISHED_KEY = PREFIX + "finished"
FAILED_KEY = PREFIX + "failed"

celery_app = Celery("scout", set_as_current=False)


def configure(settings: Settings) -> Celery:
    """Point the one Celery app at the configured broker (call before enqueueing or working)."""
    settings.require_store_for_workers()
    celery_app.conf.update(
        broker_url=settings.broker_url,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout,
            # look for a dead worker's jobs every quarter of the timeout (at most a minute)
            "unacked_restore_interval": max(1, min(60, settings.broker_visibility_timeout // 4)),
            "unacked_restore_throttle": 1,
        },
        task_acks_late=True,  # acknowledged when finished: a dead worker's job runs again
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker takes one job at a time per slot
        task_ignore_result=True,  # results go to the store and to `scout workers`' lists
        task_serializer="json",
        accept_content=["json"],
        task_routes={f"scout.{queue}": {"queue": queue} for queue in QUEUES},
        worker_hijack_root_logger=False,
    )
    return celery_app


def broker(settings: Settings) -> redis.Redis:
    """A client of the broker's Redis (locks, done marks, the lists `scout workers` reads)."""
    if not settings.broker_url:
        raise ValueError("no broker configured")
    return redis.Redis.from_url(settings.broker_url, socket_timeout=10, decode_responses=True)


@contextmanager
def held(client: redis.Redis, name: str, seconds: int) -> Iterator[bool]:
    """A lock in Redis that expires `seconds` after its last renewal, renewed every third
    of that while held; yields whether it was got (without waiting)."""
    # not thread-local: a thread of its own renews it
    lock = client.lock(PREFIX + "lock:" + name, timeout=seconds, blocking=False, thread_local=False)
    if not lock.acquire():
        yield False
        return
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(seconds / 3):
            try:
                lock.reacquire()
            except redis.RedisError:
                logger.warning("could not renew the lock %s (broker away?)", name)

    renewer = threading.Thread(target=renew, name=f"renew-{name}", daemon=True)
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join()
        with suppress(redis.RedisError):  # expired or the broker away: it frees itself
            lock.release()


def _note(client: redis.Redis, key: str, entry: dict[str, Any]) -> None:
    entry = {"at": clock.now().isoformat(timespec="seconds"), **entry}
    client.lpush(key, json.dumps(entry, sort_keys=True))
    client.ltrim(key, 0, KEEP_FINISHED - 1)


def _mark_done(client: redis.Redis, task: Task, result: str) -> None:
    """Remember a job as done, so that a copy of it delivered again is skipped."""
    client.set(f"{PREFIX}done:{task.request.id}", result, ex=DONE_SECONDS)


def _finish(client: redis.Redis, task: Task, result: str, detail: dict[str, Any]) -> str:
    """Remember a job as done and list it for `scout workers`."""
    _mark_done(client, task, result)
    _note(client, FINISHED_KEY, {"job": task.name, "id": task.request.id, "result": result,
                                 "worker": task.request.hostname, **detail})  # fmt: skip
    return result


def _already_done(client: redis.Redis, task: Task) -> bool:
    return bool(client.exists(f"{PREFIX}done:{task.request.id}"))


@celery_app.task(name="scout.crawl", bind=True, max_retries=None)
def crawl_job(
    self: Task, site: str, time_limit: float | None = None, base_url: str | None = None,
    as_of: str | None = None,
) -> str:  # fmt: skip
    """Crawl one site (in its own process) unless this job ran already or the site is being
    crawled elsewhere (then try again later); then enqueue its analysis."""
    with Context() as context:
        settings = context.settings
        client = broker(settings)
        if _already_done(client, self):
            return "skipped: done already"
        with held(client, f"crawl:{site}", settings.worker_lock_seconds) as got:
            if not got:
                raise self.retry(countdown=max(1, settings.worker_lock_seconds // 3))
            try:
                crawled = stages.crawl(
                    context,
                    sites=[site],
                    base_urls={site: base_url} if base_url else None,
                    time_limit=time_limit,
                    as_of=datetime.fromisoformat(as_of) if as_of else None,
                    die_with_parent=True,
                )
            except Exception:  # e.g. the database unusable: the next interval enqueues again
                client.delete(f"{PREFIX}queued:crawl:{site}")
                raise
            outcome = crawled.outcomes[0]
            # done before the lock goes: a copy of this job waiting for it then skips
            _mark_done(client, self, outcome.status)
        client.delete(f"{PREFIX}queued:crawl:{site}")
        detail: dict[str, Any] = {"site": site, "run_id": outcome.run_id}
        if outcome.error:
            detail["error"] = outcome.error[:300]
        batches = 0
        if outcome.status in ("complete", "incomplete", "degraded"):
            batches = enqueue_analysis(context)
        detail["analysis_jobs"] = batches
        return _finish(client, self, outcome.status, detail)


@celery_app.task(name="scout.analyse", bind=True, max_retries=None)
def analyse_job(self: Task, version_ids: list[int]) -> str:
    """Analyse one batch of advert versions (what is analysed already is skipped); then ask
    for linking."""
    with Context() as context:
        client = broker(context.settings)
        summary = stages.analyse(context, version_ids=version_ids)
        request_link(context.settings)
        return _finish(client, self, "done", {"versions": summary.versions})


@celery_app.task(name="scout.link", bind=True, max_retries=None)
def link_job(self: Task, full: bool = False) -> str:
    """Link what changed (everything when `full`): one link job at a time over all workers."""
    with Context() as context:
        settings = context.settings
        client = broker(settings)
        if _already_done(client, self):
            return "skipped: done already"
        with held(client, "link", settings.worker_lock_seconds) as got:
            if not got:
                raise self.retry(countdown=max(1, settings.worker_lock_seconds // 6))
            client.delete(PREFIX + "queued:link")  # what is stored from now on asks again
            summary = stages.link(context, full=full)
        return _finish(
            client, self, "done", {"clusters": summary.clusters, "targets": summary.targets}
        )


@task_failure.connect
def _remember_failure(sender: Task | None = None, task_id: str | None = None,
                      exception: BaseException | None = None, **_: Any) -> None:  # fmt: skip
    """A failed job goes to the list `scout workers` shows (the broker must be reachable)."""
    if sender is None or not sender.name.startswith("scout."):
        return
    try:
        client = broker(Settings())
        _note(client, FAILED_KEY, {"job": sender.name, "id": task_id,
                                   "error": str(exception)[:300],
                                   "worker": socket.gethostname()})  # fmt: skip
    except (redis.RedisError, ValueError):
        logger.exception("could not record the failed job %s", task_id)


def enqueue_crawl(
    settings: Settings, site: str, time_limit: float | None = None, base_url: str | None = None,
    as_of: datetime | None = None,
) -> str | None:  # fmt: skip
    """Put one crawl of `site` on the crawl queue, unless one is queued or running already
    (then None): each site is crawled once per interval however long the queue is."""
    configure(settings)
    client = broker(settings)
    marker = f"{PREFIX}queued:crawl:{site}"
    if not client.set(marker, "1", nx=True, ex=settings.broker_visibility_timeout * 2):
        return None
    try:
        when = as_of.isoformat() if as_of else None
        result = celery_app.send_task(
            "scout.crawl",
            args=(site,),
            kwargs={"time_limit": time_limit, "base_url": base_url, "as_of": when},
        )
    except Exception:
        client.delete(marker)
        raise
    return str(result.id)


def enqueue_analysis(context: Context, batch: int = ANALYSE_BATCH) -> int:
    """Split the advert versions waiting for analysis into jobs on the analyse queue; returns
    how many. Two crawls ending together may enqueue a version twice: harmless."""
    configure(context.settings)
    pending = stages.pending_versions(context)
    jobs = 0
    for ids in chunked(pending, batch):
        celery_app.send_task("scout.analyse", args=(list(ids),))
        jobs += 1
    if not jobs:
        request_link(context.settings)
    return jobs


def request_link(settings: Settings, full: bool = False) -> str | None:
    """Ask for linking: one incremental link job waits on the queue at most (a job asked
    for while another runs is queued, so nothing stored is left unlinked)."""
    configure(settings)
    client = broker(settings)
    if not full and not client.set(PREFIX + "queued:link", "1", nx=True):
        return None
    return str(celery_app.send_task("scout.link", kwargs={"full": full}).id)


def run_worker(
    settings: Settings, queues: Sequence[str], concurrency: int = 1, name: str | None = None
) -> None:
    """Work on these queues until SIGTERM/SIGINT (a warm shutdown: running jobs finish)."""
    configure(settings)
    argv = [
        "worker",
        "--queues", ",".join(queues),
        "--pool", "threads",  # each crawl is its own process already; analysis batches too
        "--concurrency", str(concurrency),
        "--hostname", f"{name or 'scout'}@{socket.gethostname()}",
        "--loglevel", "INFO",
        "--without-mingle",
    ]  # fmt: skip
    celery_app.worker_main(argv)


def status(settings: Settings, timeout: float = 1.0) -> dict[str, Any]:
    """Workers (with their queues and running jobs), queue lengths, recent finished and
    failed jobs — what `scout workers` shows."""
    configure(settings)
    client = broker(settings)
    inspect = celery_app.control.inspect(timeout=timeout)
    queues = inspect.active_queues() or {}
    active = inspect.active() or {}
    workers = {
        name: {
            "queues": sorted(q["name"] for q in queues.get(name, [])),
            "running": [
                {"job": job.get("name"), "id": job.get("id"), "args": job.get("args")}
                for job in active.get(name, [])
            ],
        }
        for name in sorted(set(queues) | set(active))
    }
    return {
        "workers": workers,
        "queued": {queue: int(client.llen(queue)) for queue in QUEUES},
        "finished": [json.loads(line) for line in client.lrange(FINISHED_KEY, 0, 19)],
        "failed": [json.loads(line) for line in client.lrange(FAILED_KEY, 0, 19)],
    }
