"""Progress of a running crawl: JSON lines for `scout crawl`, and the run's heartbeat."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from scrapy import signals
from twisted.internet import task

from spiders import protocol

HEARTBEAT_EVERY = 10.0


class ProgressReporter:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.emit = os.environ.get(protocol.PROGRESS_ENV) == "1"
        self.loop: task.LoopingCall | None = None
        self.last_heartbeat = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressReporter:
        reporter = cls(crawler, crawler.settings.getfloat("SCOUT_PROGRESS_INTERVAL", 1.0))
        crawler.signals.connect(reporter.opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.closed, signal=signals.spider_closed)
        return reporter

    def opened(self) -> None:
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=True)

    def snapshot(self) -> dict[str, Any]:
        spider = self.crawler.spider
        stats = self.crawler.stats
        return {
            "site": spider.site.name,
            "pages": dict(spider.pages),
            "items": stats.get_value("scout/items", 0),
            "failures": stats.get_value("scout/failures", 0),
            # committed to the database: what a killed crawl leaves behind (F1)
            "stored": spider.crawl_session.counts.total if spider.crawl_session else 0,
            "queued": len(self.crawler.engine._slot.scheduler)
            if self.crawler.engine._slot and hasattr(self.crawler.engine._slot.scheduler, "__len__")
            else None,
        }

    def tick(self) -> None:
        snapshot = self.snapshot()
        if self.emit:
            protocol.emit_progress(snapshot)
        now = time.monotonic()
        session = self.crawler.spider.crawl_session
        if session is not None and now - self.last_heartbeat >= HEARTBEAT_EVERY:
            self.last_heartbeat = now
            with contextlib.suppress(Exception):  # a missed heartbeat is harmless
                session.heartbeat(sum(snapshot["pages"].values()), snapshot["items"])

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
