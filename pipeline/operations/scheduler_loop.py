"""The scheduler's main loop: sync the jobs, run them until asked to stop, stop cleanly.

Crawls each site on its interval (each crawl in its own process, with a time limit),
then analyses and links what changed; writes the weekly digest; purges nightly. With a
broker configured (SCOUT_BROKER_URL) it puts crawls and the weekly full link on the task
queue for `scout worker` processes instead (pipeline/operations/workers.py). The job
store lives in Scout's database; one scheduler per database (a lock refuses a second).
SIGTERM or SIGINT: running crawls are asked to stop cleanly (their runs are recorded as
incomplete, so nothing is marked gone by mistake), running jobs finish, then it exits;
a restart picks the schedule up from the job store and runs missed jobs once.
"""

from __future__ import annotations

import logging
import signal
import threading

from pipeline.core import clock
from pipeline.core.app import Context
from pipeline.operations.scheduling import SchedulerLock, build_scheduler, job_specs, sync_jobs
from pipeline.stages import crawling
from spiders.sitefile import load_all_sites

logger = logging.getLogger("scout.scheduler")


def run(context: Context, stop: threading.Event | None = None) -> int:
    """Run until SIGTERM/SIGINT (or `stop` is set); returns the exit code."""
    settings = context.settings
    settings.require_store_for_workers()  # with a broker, workers share PostgreSQL
    logging.getLogger("alembic").setLevel(logging.WARNING)
    context.database()  # one clear line if the database is unusable or out of date
    lock = SchedulerLock(settings)
    lock.acquire()
    stop = stop or threading.Event()
    try:
        specs = job_specs(settings, load_all_sites(), settings.crawl_time_limit_minutes * 60)
        scheduler = build_scheduler(settings)
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        scheduler.start(paused=True)
        actions = sync_jobs(scheduler, specs, clock.now())
        for job in scheduler.get_jobs():
            logger.info(
                "%s %s, next run %s", actions.get(job.id, "kept"), job.id, job.next_run_time
            )
        scheduler.resume()
        stop.wait()
        logger.info("stopping: asking running crawls to finish cleanly")
        crawling.stop_children()
        scheduler.shutdown(wait=True)
        logger.info("stopped")
        return 0
    finally:
        lock.release()
