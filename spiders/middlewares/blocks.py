"""Detect that a site blocks us (403, CAPTCHA pages) and stop: report it, never evade it.

A block page is recognised by its status, its <title> or a CAPTCHA element, never by
words in the page's body: an advert that says "captcha" must not stop a site's crawl (H6).
A refused side request (a 403 on a reveal, an image or another XHR the site file declares)
is not a block: the spider records
it on that advert and counts it in crawl health; only refused listing or advert pages, or
a block page anywhere, stop the crawl.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

# Requests a page makes besides itself: refusing one of them is not refusing the crawl.
SIDE_REQUESTS = frozenset({"reveal", "image"})


class BlockDetectionMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> BlockDetectionMiddleware:
        return cls(crawler)

    def _block_page(self, response: TextResponse) -> str | None:
        """The marker or element that makes this page a block page, if any."""
        site = self.crawler.spider.site
        title = " ".join(response.xpath("//title//text()").getall()).lower()
        found = next((m for m in site.block_markers if m.lower() in title), None)
        if found:
            return found
        if site.block_elements and response.css(site.block_elements):
            return site.block_elements
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("page_type") == "image" or request.url.endswith("/robots.txt"):
            return response
        reason = None
        side = request.meta.get("side_request") or request.meta.get("page_type") in SIDE_REQUESTS
        if response.status == 403 and not side:
            reason = f"HTTP 403 on {request.url}"
        elif isinstance(response, TextResponse) and response.status in (200, 429, 503):
            found = self._block_page(response) if _is_html(response) else None
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


def _is_html(response: TextResponse) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    return b"html" in content_type or not content_type
