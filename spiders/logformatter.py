"""Scrapy log lines about items that name the advert by id only, never its fields.

Scrapy's own formatter writes the full item (text, city, contact points) into the
crawl log when an item is dropped, fails or (at DEBUG) is scraped (PRIVACY rule 3).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.logformatter import LogFormatter, LogFormatterResult


def advert_name(item: Any) -> str:
    """How a log line names an item: its external id, or only its type."""
    external_id = getattr(item, "external_id", None)
    return f"advert {external_id}" if external_id else type(item).__name__


class IdOnlyLogFormatter(LogFormatter):
    """Logs dropped, failed and scraped items by id and reason only."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        result: LogFormatterResult = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped %(item)s: %(reason)s"
        # Scout's own DropItem messages name the id and the reason only; others may not.
        reason = str(exception) if isinstance(exception, DropItem) else type(exception).__name__
        result["args"] = {"item": advert_name(item), "reason": reason}
        return result

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        return {
            "level": logging.ERROR,
            "msg": "Error processing %(item)s",
            "args": {"item": advert_name(item)},
        }

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(item)s",
            "args": {"item": advert_name(item)},
        }
