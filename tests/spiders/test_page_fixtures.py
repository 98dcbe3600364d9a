"""Extraction over saved pages, without a server (web-poet's style): each fixture under
tests/fixtures/pages/<site>/ is a page and the fields its site file must read from it.

The pages are demo pages only (`save_demo_pages.py` there writes them from the synthetic
world, with expected values from its ground truth). A new site's extraction is tested the
same way: save a page, write what it says, and its site file is checked offline.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector

from spiders.extract import Locale, external_id, extract_fields, raw_values
from spiders.sitefile import load_site

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FIXTURES = sorted(PAGES.glob("*/*.html"))


def test_page_fixtures_exist_for_every_demo_advert_site() -> None:
    """The JavaScript site's pages are saved as rendered in Chromium after its steps."""
    assert {p.parent.name for p in FIXTURES} == {"demo_classic", "demo_market", "demo_spa"}


@pytest.mark.parametrize("page", FIXTURES, ids=[f"{p.parent.name}/{p.stem}" for p in FIXTURES])
def test_page_fixture_extracts_the_expected_fields(page: Path) -> None:
    site = load_site(page.parent.name)
    record = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    expected = record["expected"]
    source = Selector(text=page.read_text(encoding="utf-8"))
    fetched = record.get("fetched_at")  # anchors relative dates ("i dag kl. 10:15")
    locale = Locale(site.language, site.timezone)
    now = datetime.fromisoformat(fetched) if fetched else None
    values, misses = extract_fields(source, site.detail, locale, now)
    assert external_id(source, record["url"], site.detail) == expected["external_id"]
    assert values["title"] == expected["title"]
    assert values["city"] == expected["city"]
    assert values["stated_age"] == expected["stated_age"]
    amount, currency = expected["price"]
    assert values["price"] == (Decimal(amount), currency)
    required = {name for name, spec in site.detail.fields.items() if spec.required}
    assert not required & set(misses)
    if "phone_shown" in expected:  # rendered after the browser clicked "show number"
        assert (
            bool(raw_values(source, site.detail.fields["contact"])) or not expected["phone_shown"]
        )
        shown = source.css("span.phone-full::text").get()
        assert bool(shown) == expected["phone_shown"]
        return
    local = values["posted_at"].astimezone(ZoneInfo(site.timezone))  # "01.11.2026": local midnight
    assert local.date().isoformat() == expected["posted_on"]
    reveal = site.detail.reveal
    assert reveal is not None
    assert bool(raw_values(source, reveal.url)) == expected["has_reveal_button"]
    drawn = site.detail.contact_images  # a number drawn as an image (read by OCR when crawled)
    assert len(raw_values(source, drawn) if drawn else []) == expected["contact_images"]
