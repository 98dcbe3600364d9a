"""Refuse oversized responses whatever downloaded them: Playwright ignores DOWNLOAD_MAXSIZE (H8)."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response


class ResponseSizeMiddleware:
    """The same cap as Scrapy's HTTP handler, checked again on the (decompressed) body.

    Scrapy's own handler stops a download at the cap and refuses gzip bombs while it
    decompresses; the browser handler returns whatever Chromium rendered, of any size.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize

    @classmethod
    def from_crawler(cls, crawler: Any) -> ResponseSizeMiddleware:
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Response:
        limit = request.meta.get("download_maxsize", self.maxsize)
        if limit and len(response.body) > limit:
            raise IgnoreRequest(
                f"response of {len(response.body)} bytes is larger than download max size ({limit})"
            )
        return response
