"""Validate adverts: drop what is not an advert, note required fields that came out empty."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapy.exceptions import DropItem

from models.adverts import Advert
from spiders.items import AdvertItem
from spiders.stagetimes import STAGES

MAX_TEXT = 100_000
AGE_RANGE = range(10, 100)
# Checked here, the same on every engine: PostgreSQL refuses a longer value (and with it the
# whole batch), SQLite silently stores it (H23).
MAX_LENGTHS = {
    "external_id": Advert.__table__.c.external_id.type.length,  # type: ignore[attr-defined]
    "url": Advert.__table__.c.url.type.length,  # type: ignore[attr-defined]
}


class ValidatePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        with STAGES.timed("validate"):
            return self._validate(item)

    def _validate(self, item: Any) -> Any:
        if not isinstance(item, AdvertItem):
            return item
        self._check_lengths(item)
        if not (item.title or item.text):
            self.crawler.stats.inc_value("scout/dropped/no_text")
            raise DropItem("neither title nor text")
        if item.text and len(item.text) > MAX_TEXT:
            item.text = item.text[:MAX_TEXT]
            self.crawler.stats.inc_value("scout/truncated")
        if item.stated_age is not None and item.stated_age not in AGE_RANGE:
            item.stated_age = None
        item.roster = [
            replace(person, stated_age=None)
            if person.stated_age is not None and person.stated_age not in AGE_RANGE
            else person
            for person in item.roster
        ]
        spider = self.crawler.spider
        required = [name for name, spec in spider.site.detail.fields.items() if spec.required]
        item.empty_fields = [
            name for name in required if getattr(item, _attr(name)) in (None, "", [])
        ]
        for name in item.empty_fields:
            self.crawler.stats.inc_value(f"scout/empty/{name}")
        self.crawler.stats.inc_value("scout/items")
        return item

    def _check_lengths(self, item: AdvertItem) -> None:
        """Drop an advert whose id or URL the database cannot hold; the others are stored."""
        for name, limit in MAX_LENGTHS.items():
            if len(getattr(item, name)) > limit:
                self.crawler.stats.inc_value(f"scout/dropped/{name}_too_long")
                reason = f"advert {name} longer than {limit} characters; advert not stored"
                self.crawler.spider.record_failure(item.url[:200], reason, "detail")
                # the id only, shortened: the log never carries advert fields
                raise DropItem(f"advert {item.external_id[:40]}…: {reason}")


def _attr(field_name: str) -> str:
    return "contacts" if field_name == "contact" else field_name
