"""Validate adverts: drop what is not an advert, note required fields that came out empty."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from spiders.items import AdvertItem

MAX_TEXT = 100_000
AGE_RANGE = range(10, 100)


class ValidatePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, AdvertItem):
            return item
        if not (item.title or item.text):
            self.crawler.stats.inc_value("scout/dropped/no_text")
            raise DropItem(f"advert {item.external_id} has neither title nor text")
        if item.text and len(item.text) > MAX_TEXT:
            item.text = item.text[:MAX_TEXT]
            self.crawler.stats.inc_value("scout/truncated")
        if item.stated_age is not None and item.stated_age not in AGE_RANGE:
            item.stated_age = None
        spider = self.crawler.spider
        required = [name for name, spec in spider.site.detail.fields.items() if spec.required]
        item.empty_fields = [
            name for name in required if getattr(item, _attr(name)) in (None, "", [])
        ]
        for name in item.empty_fields:
            self.crawler.stats.inc_value(f"scout/empty/{name}")
        self.crawler.stats.inc_value("scout/items")
        return item


def _attr(field_name: str) -> str:
    return "contacts" if field_name == "contact" else field_name
