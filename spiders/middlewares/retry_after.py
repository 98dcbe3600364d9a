"""Honour Retry-After on 429 and 503: slow the whole site down, then retry (Scrapy ignores it)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from twisted.internet import reactor

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if unusable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Any, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self._usual: dict[int, tuple[float, float]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("retries are off")
        return cls(crawler, crawler.settings.getfloat("SCOUT_MAX_RETRY_AFTER", 300))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response  # plain 503: Scrapy's RetryMiddleware backs off as usual
        spider = self.crawler.spider
        if wait > self.max_wait:
            spider.blocked_reason = f"asked to wait {wait:.0f}s (Retry-After) on {request.url}"
            return response
        self._slow_down(request, wait)
        retry = get_retry_request(request, spider=spider, reason=f"retry_after_{response.status}")
        if retry is None:
            return response
        logger.info(
            "%s answered %s: waiting %.1fs before the next request",
            request.url,
            response.status,
            wait,
        )
        self.crawler.stats.inc_value("scout/retry_after")
        return retry

    def _slow_down(self, request: Request, wait: float) -> None:
        """No new request to this site until `wait` seconds from now; then the usual pace.

        Scrapy's downloader times slots with time.monotonic(), so lastseen must too."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return
        usual = self._usual.setdefault(id(slot), (slot.delay, slot.jitter))
        slot.delay, slot.jitter, slot.lastseen = max(wait, usual[0]), 0.0, time.monotonic()

        def restore() -> None:
            if slot.delay == max(wait, usual[0]):
                slot.delay, slot.jitter = usual
                self._usual.pop(id(slot), None)

        # zope interface methods are declared without self: mypy reads the arguments one off
        reactor.callLater(wait, restore)  # type: ignore[arg-type]
