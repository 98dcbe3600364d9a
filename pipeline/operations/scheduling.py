"""The schedule as data: one job per site (its crawl interval, with jitter), the weekly
digest and the nightly purge — run by APScheduler with its job store in Scout's database;
`scout schedule next` lists the next fire times.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from spiders.sitefile import SiteFile

JOBS_TABLE = "scout_scheduler_jobs"
# A run missed while Scout was down still happens (once: coalesced) if at most this late.
MISFIRE_GRACE = 7 * 24 * 3600


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function", stored by reference in the job store
    trigger: BaseTrigger
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def job_specs(
    settings: Settings,
    sites: list[SiteFile],
    crawl_time_limit: float | None = None,
    start: datetime | None = None,
) -> list[JobSpec]:
    """The jobs; `start` anchors crawl intervals (default: now), for simulations."""
    tz = settings.tz
    specs = []
    for site in sites:
        hours = site.crawl_interval_hours
        jitter = int(min(900, hours * 3600 * 0.05))  # spread crawls so they do not pile up
        kwargs = {"time_limit": crawl_time_limit} if crawl_time_limit else {}
        specs.append(
            JobSpec(
                f"crawl:{site.name}",
                "pipeline.operations.jobs:crawl_site",
                IntervalTrigger(hours=hours, jitter=jitter, timezone=tz, start_date=start),
                (site.name,),
                kwargs,
            )
        )
    specs.append(
        JobSpec(
            "digest",
            "pipeline.operations.jobs:weekly_digest",
            CronTrigger(
                day_of_week=settings.digest_weekday,
                hour=settings.digest_hour,
                minute=0,
                timezone=tz,
            ),
        )
    )
    specs.append(
        JobSpec(
            "link-full",
            "pipeline.operations.jobs:weekly_full_link",
            CronTrigger(day_of_week="sun", hour=settings.purge_hour, minute=0, timezone=tz),
        )
    )
    specs.append(
        JobSpec(
            "purge",
            "pipeline.operations.jobs:nightly_purge",
            CronTrigger(hour=settings.purge_hour, minute=30, timezone=tz),
        )
    )
    return specs


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """APScheduler 3 with a SQLAlchemy job store in Scout's own database (not started)."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    scheduler = BackgroundScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(url=settings.effective_database_url, tablename=JOBS_TABLE)
        },
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
        timezone=settings.tz,
    )
    return scheduler


def sync_jobs(
    scheduler: BackgroundScheduler, specs: list[JobSpec], now: datetime
) -> dict[str, str]:
    """Make the job store hold exactly these jobs. A job already stored with the same
    trigger keeps its next run time, so what was missed while stopped runs (once, coalesced);
    a new or changed job is (re)added; a job no longer wanted is removed. Needs a started
    (or paused) scheduler. Returns what happened to each job id."""
    stored = {job.id: job for job in scheduler.get_jobs()}
    actions: dict[str, str] = {}
    for spec in specs:
        job = stored.pop(spec.id, None)
        same = (
            job is not None
            and str(job.trigger) == str(spec.trigger)
            and tuple(job.args) == spec.args
            and dict(job.kwargs) == spec.kwargs
        )
        if same:
            actions[spec.id] = "kept"
            continue
        first = now if spec.id.startswith("crawl:") else None  # crawl a new site right away
        scheduler.add_job(
            spec.func,
            spec.trigger,
            args=spec.args,
            kwargs=spec.kwargs,
            id=spec.id,
            name=spec.id,
            replace_existing=True,
            **({"next_run_time": first} if first else {}),
        )
        actions[spec.id] = "added" if job is None else "changed"
    for job_id in stored:
        scheduler.remove_job(job_id)
        actions[job_id] = "removed"
    return actions


def next_fire_times(
    specs: list[JobSpec], now: datetime, count: int = 3
) -> Iterator[tuple[str, datetime]]:
    for spec in specs:
        previous, moment = None, now
        for _ in range(count):
            fire = spec.trigger.get_next_fire_time(previous, moment)
            if fire is None:
                break
            yield spec.id, fire
            previous, moment = fire, fire + timedelta(seconds=1)


def stored_next_runs(database: Any) -> dict[str, datetime]:
    """Next run times as the job store holds them (empty before the first `schedule run`)."""
    from datetime import UTC

    with database.engine.connect() as connection:
        if not connection.dialect.has_table(connection, JOBS_TABLE):
            return {}
        rows = connection.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}"))
        return {job_id: datetime.fromtimestamp(when, UTC) for job_id, when in rows if when}


class SchedulerLock:
    """One scheduler per job store: a file lock for SQLite, an advisory lock for PostgreSQL."""

    def __init__(self, settings: Settings) -> None:
        self.url = make_url(settings.effective_database_url)
        self._file: Any = None
        self._connection: Connection | None = None

    def acquire(self) -> None:
        if self.url.get_backend_name() == "sqlite":
            self._acquire_file(Path(f"{self.url.database}.scheduler-lock"))
        else:
            self._acquire_advisory()

    def _acquire_file(self, path: Path) -> None:
        self._file = path.open("a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.seek(0)
            holder = self._file.read().strip() or "another process"
            self._file.close()
            raise ScoutError(
                f"a scheduler is already running for this database ({holder}); "
                "stop it first — two would run every job twice"
            ) from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"pid {os.getpid()}")
        self._file.flush()

    def _acquire_advisory(self) -> None:
        key = int.from_bytes(
            hashlib.sha256(
                f"scout-scheduler:{self.url.render_as_string(hide_password=True)}".encode()
            ).digest()[:8],
            "big",
            signed=True,
        )
        engine = create_engine(self.url, poolclass=None)
        self._connection = engine.connect()
        got = self._connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
        if not got.scalar():
            self._connection.close()
            raise ScoutError(
                "a scheduler is already running for this database; stop it first "
                "— two would run every job twice"
            )

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
        if self._connection is not None:
            self._connection.close()
