"""The database side of one crawl process: its run row, batched writes, and the final verdict."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from models.types import use_sealer
from pipeline.core import clock
from pipeline.core.db import Database, open_database
from pipeline.core.settings import load_settings
from spiders.health import CrawlObservation, assess
from spiders.items import AdvertItem
from spiders.sitefile import SiteFile
from spiders.stagetimes import STAGES, TimedSealer, time_round_trips
from spiders.storage.crawlruns import (
    ensure_site,
    finish_run,
    heartbeat,
    known_live,
    last_finished_run,
    mark_gone,
    mark_missing_gone,
    start_run,
)
from spiders.storage.ingest import IngestCounts, default_contact_finder, store_adverts

logger = logging.getLogger(__name__)


class CrawlSession:
    def __init__(self, database: Database, site: SiteFile) -> None:
        self.database = database
        self.site = site
        # Where the crawl's time goes, per stage, into the run's stats (spiders/stagetimes.py).
        STAGES.reset()
        time_round_trips(database.engine)
        use_sealer(TimedSealer(database.keyring))
        self._find_contacts = STAGES.wrap("contacts", default_contact_finder())
        now = clock.now()
        with database.session() as session:
            site_row = ensure_site(session, site.name, site.base_url)
            run = start_run(session, site_row, now)
            self.site_id, self.run_id = site_row.id, run.id
            previous = last_finished_run(session, self.site_id, self.run_id)
            self.previous_items = previous.adverts_seen if previous else None
        self.counts = IngestCounts()
        self.gone_now = 0
        self.store_failed: str | None = None
        self.pending = 0
        self.result: dict[str, Any] = {}
        if not site.robots.obey:
            logger.warning("robots.txt NOT obeyed for %s: %s", site.name, site.robots.reason)

    @classmethod
    def open(cls, site: SiteFile) -> CrawlSession:
        return cls(open_database(load_settings()), site)

    def save(self, items: Sequence[AdvertItem], listed: Callable[[str], bool]) -> IngestCounts:
        with self.database.session() as session:
            counts = store_adverts(
                session,
                self.database.keyring,
                self.site_id,
                self.run_id,
                items,
                listed,
                self._find_contacts,
            )
        self.counts.add(counts)
        return counts

    def gone(self, external_id: str, at: datetime) -> bool:
        with self.database.session() as session:
            marked = mark_gone(session, self.site_id, external_id, at)
        self.gone_now += int(marked)
        return marked

    def known_live(self) -> list[tuple[str, str]]:
        with self.database.session() as session:
            return known_live(session, self.site_id)

    def heartbeat(self, pages: int, items: int) -> None:
        with self.database.session() as session:
            heartbeat(session, self.run_id, clock.now(), pages, items)

    def finish_crawl(self, spider: Any, reason: str) -> None:
        """Decide the run's status, mark absent adverts gone if it was complete, record all."""
        stats = spider.crawler.stats
        items = self.counts.total
        seen = CrawlObservation(
            reason=reason,
            pages=dict(spider.pages),
            items=items,
            empty_required={
                key.removeprefix("scout/empty/"): value
                for key, value in stats.get_stats().items()
                if key.startswith("scout/empty/")
            },
            misses=dict(spider.misses),
            failures=len(spider.failures),
            listing_failed=spider.listing_failed,
            side_requests=dict(spider.side_requests),
            side_refused=dict(spider.side_refused),
            page_limit=spider.page_limit,
            blocked_reason=spider.blocked_reason,
            depth_limited=(stats.get_value("request_depth_max", 0) or 0)
            >= spider.settings.getint("DEPTH_LIMIT"),
            store_failed=self.store_failed,
            previous_items=self.previous_items,
        )
        verdict = assess(seen, self.site.health)
        now = clock.now()
        gone_missing = 0
        try:
            with self.database.session() as session:
                run = finish_run(
                    session,
                    self.run_id,
                    now,
                    verdict.status,
                    pages=sum(spider.pages.values()),
                    adverts_seen=items,
                    adverts_new=self.counts.new,
                    adverts_changed=self.counts.changed,
                    adverts_unchanged=self.counts.unchanged,
                    error_count=len(spider.failures),
                    errors=spider.failures,
                    health={**verdict.health, "warnings": verdict.warnings},
                    stats={
                        "suppressed": self.counts.suppressed,
                        "contacts": self.counts.contacts,
                        "not_stored": self.pending,
                        "robots_forbidden": stats.get_value("scout/robots_forbidden", 0),
                        "retry_after": stats.get_value("scout/retry_after", 0),
                        "charset_mismatch": stats.get_value("scout/charset_mismatch", 0),
                        "stage_seconds": STAGES.report(),
                    },
                )
                if verdict.status == "complete":  # this run now counts among the complete ones
                    gone_missing = mark_missing_gone(
                        session, self.site_id, now, self.site.gone_after_missed_crawls
                    )
                run.adverts_gone = self.gone_now + gone_missing
        except Exception as exc:
            logger.error("could not record the end of crawl run %s: %s", self.run_id, exc)
            verdict.status = "failed"
            verdict.warnings.append(f"could not record the run: {exc}")
        for warning in verdict.warnings:
            logger.warning("%s: %s", self.site.name, warning)
        self.result = {
            "status": verdict.status,
            "warnings": verdict.warnings,
            "run_id": self.run_id,
            "not_stored": self.pending,
        }
        stats.set_value("scout/status", verdict.status)
        self.database.dispose()
