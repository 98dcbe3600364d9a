"""Detect that a site blocks us (403, CAPTCHA pages) and stop: report it, never evade it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


class BlockDetectionMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> BlockDetectionMiddleware:
        return cls(crawler)

    def _markers(self) -> list[str]:
        return [marker.lower() for marker in self.crawler.spider.site.block_markers]

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("page_type") == "image" or request.url.endswith("/robots.txt"):
            return response
        reason = None
        if response.status == 403:
            reason = f"HTTP 403 on {request.url}"
        elif isinstance(response, TextResponse) and response.status in (200, 429, 503):
            head = response.text[:20_000].lower()
            found = next((m for m in self._markers() if m in head), None)
            if found:
                reason = f"block page ({found!r}) on {request.url}"
        if reason is None:
            return response
        spider = self.crawler.spider
        if spider.blocked_reason is None:
            spider.blocked_reason = reason
            logger.error("%s: blocked (%s); stopping this site's crawl", spider.site.name, reason)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="blocked"))
        raise IgnoreRequest(reason)
