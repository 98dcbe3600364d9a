"""Crawl logs name a dropped or failed advert by id and reason only (audit H5, PRIVACY rule 3)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.log import logformatter_adapter
from scrapy.utils.misc import load_object

from spiders.items import AdvertItem
from spiders.pipelines.validate import ValidatePipeline

PLANTED = ["tel:+4529998877", "+4529998877", "29998877", "anna.k@example.com", "Aarhus"]


def _hostile_item() -> AdvertItem:
    """The audit's H5 advert: no title or text, a tel: link and a city."""
    return AdvertItem(
        site="hostile",
        external_id="notext",
        url="http://127.0.0.1:8999/ad/notext",
        fetched_at=datetime(2026, 12, 2, tzinfo=UTC),
        city="Aarhus",
        contacts=["tel:+4529998877", "anna.k@example.com"],
    )


def _scout_formatter():
    """The formatter Scout's crawl settings name, with a stand-in crawler (no reactor)."""
    settings = Settings()
    settings.setmodule("spiders.settings")
    crawler = SimpleNamespace(
        settings=settings, stats=StatsCollector(SimpleNamespace(settings=settings))
    )
    crawler.spider = SimpleNamespace(crawler=crawler, site=None)
    return crawler, load_object(settings["LOG_FORMATTER"])()


def _log(result, caplog) -> str:
    logger = logging.getLogger("scrapy.core.scraper")
    with caplog.at_level(logging.DEBUG, logger="scrapy.core.scraper"):
        logger.log(*logformatter_adapter(result))
    return "\n".join(record.getMessage() for record in caplog.records)


def test_h5_dropped_advert_logged_by_id_and_reason_only(caplog) -> None:
    crawler, formatter = _scout_formatter()
    item = _hostile_item()
    with pytest.raises(DropItem) as dropped:
        ValidatePipeline(crawler).process_item(item)
    text = _log(formatter.dropped(item, dropped.value, None, crawler.spider), caplog)
    assert "advert notext" in text and "neither title nor text" in text
    for value in PLANTED:
        assert value not in text


@pytest.mark.parametrize("event", ["item_error", "scraped"])
def test_h5_failed_or_scraped_advert_logged_by_id_only(event: str, caplog) -> None:
    crawler, formatter = _scout_formatter()
    item = _hostile_item()
    item.text = "Ring 28445566 piger venter"
    args = (
        (item, ValueError("boom"), None, crawler.spider)
        if event == "item_error"
        else (item, None, crawler.spider)
    )
    text = _log(getattr(formatter, event)(*args), caplog)
    assert "advert notext" in text
    for value in [*PLANTED, "28445566", "piger"]:
        assert value not in text
