"""Store adverts in batches; on database trouble retry, then stop the crawl — never drop."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError

from spiders.items import AdvertItem, GoneItem
from spiders.stagetimes import STAGES

logger = logging.getLogger(__name__)
# Short write transactions, often enough that a killed crawl loses little and readers see
# progress; rarely enough that a fast crawl still writes in batches.
FLUSH_EVERY_SECONDS = 2.0


class StorePipeline:
    def __init__(self, crawler: Any, batch_size: int, retries: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.retries = retries
        self.buffer: list[AdvertItem] = []
        self.stopping = False
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        return cls(
            crawler, settings.getint("SCOUT_STORE_BATCH"), settings.getint("SCOUT_STORE_RETRIES")
        )

    @property
    def session(self) -> Any:
        return self.crawler.spider.crawl_session

    def process_item(self, item: Any) -> Any:
        with STAGES.timed("store"):
            return self._store(item)

    def _store(self, item: Any) -> Any:
        if isinstance(item, GoneItem):
            self._with_retries(lambda: self.session.gone(item.external_id, item.fetched_at))
        elif isinstance(item, AdvertItem):
            self.buffer.append(item)
            due = time.monotonic() - self.last_flush >= FLUSH_EVERY_SECONDS
            if len(self.buffer) >= self.batch_size or due:
                self.flush()
        return item

    def flush(self) -> None:
        if not self.buffer or self.stopping:
            return
        self.last_flush = time.monotonic()
        batch, listed = list(self.buffer), self.crawler.spider.listed
        if self._with_retries(lambda: self.session.save(batch, listed.__contains__)):
            del self.buffer[: len(batch)]
        self.session.pending = len(self.buffer)

    def _with_retries(self, action: Any) -> bool:
        for attempt in range(self.retries + 1):
            try:
                action()
                return True
            except SQLAlchemyError as exc:
                error = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                if attempt == self.retries:
                    self._stop(error)
                    return False
                delay = 0.5 * 2**attempt
                logger.warning("database write failed (%s); retrying in %.1fs", error, delay)
                time.sleep(delay)
        return False

    def _stop(self, error: str) -> None:
        if self.stopping:
            return
        self.stopping = True
        stored, left = self.session.counts.total, len(self.buffer)
        self.session.store_failed = (
            f"{error} — {stored} adverts stored, {left} not stored; run the crawl again"
        )
        logger.error("stopping the crawl: database unavailable: %s", self.session.store_failed)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_unavailable"))

    def close_spider(self) -> None:
        with STAGES.timed("store"):
            self.flush()
        if self.buffer:
            self.session.pending = len(self.buffer)
            logger.error("%d adverts could not be stored", len(self.buffer))
