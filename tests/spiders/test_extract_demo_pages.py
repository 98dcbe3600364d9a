"""The demo_classic site file on the classic demo pages, without a server: every switch of the
world (price only in JSON-LD, dates as Danish sites write them) against the ground truth."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector

from demo import build_world
from demo import classic_markup as markup
from demo.clock import SimClock
from demo.pagestyle import DATE_STYLES, page_truth
from spiders.extract import Locale, extract_fields
from spiders.sitefile import load_site

LOCAL = ZoneInfo("Europe/Copenhagen")
DAYS = (0, 3)


@pytest.mark.parametrize("day", DAYS)
def test_demo_classic_fields_match_truth_in_every_switch(day: int) -> None:
    world = build_world(seed=7)
    site = load_site("demo_classic")
    locale = Locale(site.language, site.timezone)
    now = SimClock(world.start, day).now()  # the crawl's clock on that simulated day
    seen: set[tuple[object, object]] = set()
    for advert in world.live("classic", day):
        version = advert.version_on(day)
        page = Selector(text=markup.detail(1, advert, version, world.start, day=day))
        values, misses = extract_fields(page, site.detail, locale, now)
        truth = page_truth(advert, world.start)
        seen.add((truth["jsonld"], truth["date_style"]))
        assert values["price"] == (Decimal(advert.price), advert.currency), advert.external_id
        posted = datetime.fromisoformat(truth["posted_at"])
        got = values["posted_at"]
        assert got is not None, (advert.external_id, truth)
        if truth["date_style"] == "iso" or "kl." in page.css("time.ad-posted::text").get(""):
            assert got == posted, (advert.external_id, truth)
        else:  # a date without a time of day: the right day where the site is
            assert got.astimezone(LOCAL).date() == posted.astimezone(LOCAL).date(), truth
        assert "price" not in misses and "posted_at" not in misses
    assert {(j, s) for j in (True, False) for s in DATE_STYLES} - seen == set()
