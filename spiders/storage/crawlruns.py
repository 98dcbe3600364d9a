"""Crawl-run bookkeeping: start, heartbeat, finish, and marking adverts gone — safely.

Only a *complete* run may mark adverts gone by their absence, and only after the
site file's number of consecutive complete runs have all missed them. A run that
was killed keeps status "running" until the next run of its site finds its
heartbeat stale and records it as "incomplete".
"""

from __future__ import annotations

import os
import socket
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import Advert, CrawlRun, Sighting, Site
from pipeline.core import clock
from pipeline.core.db import changed_rows

STALE_AFTER = timedelta(minutes=5)
FINAL_STATUSES = ("complete", "incomplete", "degraded", "blocked", "failed")


def ensure_site(session: Session, name: str, base_url: str) -> Site:
    """The site's row, made if new: two crawls starting at once make it once (D6)."""
    site = session.scalar(select(Site).where(Site.name == name))
    if site is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(Site)
            .values(name=name, base_url=base_url, created_at=clock.now())
            .on_conflict_do_nothing(index_elements=["name"])
        )
        site = session.scalars(select(Site).where(Site.name == name)).one()
    if site.base_url != base_url:
        site.base_url = base_url
    return site


def _process_alive(owner: dict[str, Any]) -> bool:
    """Whether the process that owns a running crawl still exists (on this host)."""
    if owner.get("host") != socket.gethostname() or not owner.get("pid"):
        return True  # another machine's crawl: only its heartbeat can tell
    try:
        os.kill(int(owner["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(session: Session, site: Site, now: datetime) -> CrawlRun:
    """A new running crawl. Earlier runs of the site whose process died (or whose heartbeat
    stopped) are recorded as incomplete: they never mark anything gone."""
    running = session.scalars(
        select(CrawlRun).where(CrawlRun.site_id == site.id, CrawlRun.status == "running")
    )
    for old in running:
        stale = old.heartbeat_at is None or old.heartbeat_at < now - STALE_AFTER
        if stale or not _process_alive(old.stats or {}):
            old.status, old.finished_at = "incomplete", old.heartbeat_at or old.started_at
            old.health = {"warnings": ["the crawl process stopped without finishing"]}
    owner = {"pid": os.getpid(), "host": socket.gethostname()}
    run = CrawlRun(site_id=site.id, started_at=now, heartbeat_at=now, status="running", stats=owner)
    session.add(run)
    session.flush()
    return run


def heartbeat(session: Session, run_id: int, now: datetime, pages: int, items: int) -> None:
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(heartbeat_at=now, pages=pages, adverts_seen=items)
    )


def finish_run(
    session: Session, run_id: int, now: datetime, status: str, **values: Any
) -> CrawlRun:
    assert status in FINAL_STATUSES, status
    run = session.get_one(CrawlRun, run_id)
    run.status, run.finished_at, run.heartbeat_at = status, now, now
    for name, value in values.items():
        setattr(run, name, value)
    session.flush()
    return run


def last_finished_run(
    session: Session, site_id: int, before_id: int, status: str = "complete"
) -> CrawlRun | None:
    return session.scalar(
        select(CrawlRun)
        .where(CrawlRun.site_id == site_id, CrawlRun.id < before_id, CrawlRun.status == status)
        .order_by(CrawlRun.started_at.desc())
        .limit(1)
    )


class RunNumbers(NamedTuple):
    """A crawl run's counts, in the order `scout crawl` prints them."""

    pages: int
    adverts: int
    new: int
    changed: int
    unchanged: int
    gone: int
    errors: int


def run_numbers(session: Session, run_ids: Collection[int]) -> dict[int, RunNumbers]:
    """The counts of the given runs, by run id (runs that do not exist are left out)."""
    rows = session.execute(
        select(
            CrawlRun.id,
            CrawlRun.pages,
            CrawlRun.adverts_seen,
            CrawlRun.adverts_new,
            CrawlRun.adverts_changed,
            CrawlRun.adverts_unchanged,
            CrawlRun.adverts_gone,
            CrawlRun.error_count,
        ).where(CrawlRun.id.in_(list(run_ids)))
    )
    return {run_id: RunNumbers(*numbers) for run_id, *numbers in rows}


def mark_missing_gone(session: Session, site_id: int, now: datetime, missed_runs: int) -> int:
    """Adverts absent from the last `missed_runs` complete runs are gone; returns how many."""
    recent = session.scalars(
        select(CrawlRun.id)
        .where(CrawlRun.site_id == site_id, CrawlRun.status == "complete")
        .order_by(CrawlRun.started_at.desc())
        .limit(missed_runs)
    ).all()
    if len(recent) < missed_runs:
        return 0
    seen_recently = exists().where(
        Sighting.advert_id == Advert.id, Sighting.crawl_run_id.in_(recent)
    )
    result = session.execute(
        update(Advert)
        .where(Advert.site_id == site_id, Advert.gone_at.is_(None), ~seen_recently)
        .values(gone_at=now)
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result)


def mark_gone(session: Session, site_id: int, external_id: str, now: datetime) -> bool:
    """The advert's own page said 404/410: gone now. True when it was live until now."""
    result = session.execute(
        update(Advert)
        .where(
            Advert.site_id == site_id, Advert.external_id == external_id, Advert.gone_at.is_(None)
        )
        .values(gone_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(changed_rows(result))


def known_live(session: Session, site_id: int) -> list[tuple[str, str]]:
    """(external id, URL) of the site's adverts not yet marked gone."""
    rows = session.execute(
        select(Advert.external_id, Advert.url).where(
            Advert.site_id == site_id, Advert.gone_at.is_(None)
        )
    )
    return [(external_id, url) for external_id, url in rows]


def recent_runs(session: Session, per_site: int = 5) -> dict[str, list[CrawlRun]]:
    """Every site's last `per_site` crawl runs, newest first, by site name (sites without a
    run too: a site never crawled is something to see)."""
    ranked = (
        select(
            CrawlRun.id,
            func.row_number()
            .over(
                partition_by=CrawlRun.site_id,
                order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc()),
            )
            .label("rank"),
        )
    ).subquery()
    runs = session.scalars(
        select(CrawlRun)
        .join(ranked, ranked.c.id == CrawlRun.id)
        .where(ranked.c.rank <= per_site)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )
    names = {site_id: name for site_id, name in session.execute(select(Site.id, Site.name))}
    found: dict[str, list[CrawlRun]] = {name: [] for name in names.values()}
    for run in runs:
        found[names[run.site_id]].append(run)
    return dict(sorted(found.items()))
