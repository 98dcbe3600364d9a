"""Fields as sites write them: schema.org JSON-LD and microdata, local dates, local prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from parsel import Selector
from pydantic import ValidationError

from spiders.extract import Locale, extract_fields, parse_date, parse_price, raw_values
from spiders.sitefile import SOURCES, DetailSpec, FieldSpec, FieldType, SiteFile

PAGE = """<html><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "Side"},
  {"@type": "Product", "name": "Anna, 24", "description": "Ring 20 12 34 56",
   "offers": {"@type": "Offer", "price": "1500", "priceCurrency": "DKK"},
   "datePosted": "2026-12-01T10:00:00+01:00"}]}</script>
<script type="application/ld+json">{ broken json </script>
</head><body>
<div itemscope itemtype="https://schema.org/Product">
  <span itemprop="name">Mia</span>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <span itemprop="price" content="2000">2.000 kr</span>
    <meta itemprop="priceCurrency" content="DKK">
  </div>
</div>
<p class="posted">Oprettet: i går</p><p class="price">DKK1,000.00</p>
</body></html>"""
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def _detail(**fields: dict) -> DetailSpec:
    return DetailSpec.model_validate({"external_id": {"css": "x"}, "fields": fields})


def test_extract_jsonld_path_in_graph_and_type_prefix() -> None:
    page = Selector(text=PAGE)
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "offers.price"})) == ["1500"]
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "Product:name"})) == ["Anna, 24"]
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "WebPage:name"})) == ["Side"]
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "Person:name"})) == []
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "offers.nothing"})) == []


def test_extract_microdata_path_reads_properties() -> None:
    page = Selector(text=PAGE)
    assert raw_values(page, FieldSpec.model_validate({"microdata": "name"})) == ["Mia"]
    assert raw_values(page, FieldSpec.model_validate({"microdata": "offers.price"})) == ["2000"]
    spec = FieldSpec.model_validate({"microdata": "Offer:priceCurrency"})
    assert raw_values(page, spec) == ["DKK"]


def test_extract_jsonld_untyped_path_takes_the_first_item_that_has_it() -> None:
    page = Selector(text=PAGE)
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "name"})) == ["Side"]


def test_extract_fields_types_structured_values_and_counts_misses() -> None:
    detail = _detail(
        title={"jsonld": "Product:name"},
        text={"jsonld": "description"},
        price={"jsonld": "offers.price", "type": "price"},
        posted_at={"jsonld": "datePosted", "type": "date"},
        city={"microdata": "address.addressLocality"},
    )
    values, misses = extract_fields(Selector(text=PAGE), detail, Locale(), NOW)
    assert values["title"] == "Anna, 24" and values["text"] == "Ring 20 12 34 56"
    assert values["price"] == (Decimal(1500), None)
    assert values["posted_at"] == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert misses == ["city"] and values["city"] is None


def test_extract_page_without_structured_data_is_a_miss_not_an_error() -> None:
    page = Selector(text="<html><body><p>nothing</p></body></html>")
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "name"})) == []
    assert raw_values({"name": "x"}, FieldSpec.model_validate({"jsonld": "name"})) == []


def test_sitefile_field_takes_exactly_one_source() -> None:
    with pytest.raises(ValidationError, match="exactly one of css, xpath, json, jsonld"):
        FieldSpec.model_validate({"css": "h1", "jsonld": "name"})
    assert FieldSpec.model_validate({"microdata": "name", "type": "date"}).type == "date"


def test_sitefile_language_and_timezone_checked() -> None:
    base = {
        "name": "xx", "base_url": "http://127.0.0.1:1", "listing": {"start_urls": ["/"],
        "detail_links": "a"}, "detail": {"external_id": {"css": "x"}, "fields": {}},
    }  # fmt: skip
    site = SiteFile.model_validate(base)
    assert (site.language, site.timezone) == ("da", "Europe/Copenhagen")
    with pytest.raises(ValidationError, match="not a time zone"):
        SiteFile.model_validate({**base, "timezone": "Mars/Olympus"})
    with pytest.raises(ValidationError):
        SiteFile.model_validate({**base, "language": "danish"})


# Relative to 2 Dec 2026 14:00 UTC = 15:00 in Copenhagen.
DATES = [
    ("02.12.2026", "da", datetime(2026, 12, 1, 23, 0, tzinfo=UTC)),
    ("2. dec.", "da", datetime(2026, 12, 1, 23, 0, tzinfo=UTC)),
    ("i går", "da", datetime(2026, 12, 1, 14, 0, tzinfo=UTC)),
    ("for 3 timer siden", "da", datetime(2026, 12, 2, 11, 0, tzinfo=UTC)),
    ("Posted: 0 minutes ago", "da", NOW),
    ("Oprettet: i dag kl. 09:30", "da", datetime(2026, 12, 2, 8, 30, tzinfo=UTC)),
    ("3 hours ago", "en", datetime(2026, 12, 2, 11, 0, tzinfo=UTC)),
    ("2026-11-30T12:00:00+00:00", "da", datetime(2026, 11, 30, 12, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "language", "expected"), DATES, ids=[d[0] for d in DATES])
def test_extract_dates_as_people_write_them(text: str, language: str, expected: datetime) -> None:
    assert parse_date(text, Locale(language), NOW) == expected


def test_extract_dates_follow_the_clock_and_refuse_nonsense() -> None:
    later = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    assert parse_date("i går", Locale(), later) == datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
    assert parse_date("ring til mig", Locale(), NOW) is None
    assert parse_date("", Locale(), NOW) is None


PRICES = [
    ("DKK1,000.00", Decimal(1000), "DKK"),
    ("1.500 kr./time", Decimal(1500), "DKK"),
    ("1500,-", Decimal(1500), "DKK"),
    ("1.500,50 kr", Decimal("1500.5"), "DKK"),
    ("€150", Decimal(150), "EUR"),
    ("gratis", None, None),  # no amount at all
]


@pytest.mark.parametrize(("text", "amount", "currency"), PRICES, ids=[p[0] for p in PRICES])
def test_extract_prices_as_sites_write_them(text: str, amount: Decimal, currency: str) -> None:
    values, _ = extract_fields(
        Selector(text=f"<p class='p'>{text}</p>"), _detail(price={"css": "p.p", "type": "price"})
    )
    assert values["price"] == (amount, currency)
    if currency != "DKK" or ",-" not in text:
        assert parse_price(text) == (amount, currency)


def test_extract_every_source_and_type_is_documented() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "site-fields.md"
    if not doc.is_file():
        pytest.skip("docs not present (running outside a checkout)")
    text = doc.read_text(encoding="utf-8")
    aliases = {"json_path": "json"}
    for source in SOURCES:
        assert f"`{aliases.get(source, source)}`" in text, source
    for kind in get_args(FieldType):
        assert f"| `{kind}` |" in text, kind


def test_extract_offer_item_reads_as_amount_and_currency() -> None:
    page = Selector(text=PAGE)
    assert raw_values(page, FieldSpec.model_validate({"jsonld": "Product:offers"})) == ["1500 DKK"]
    spec = FieldSpec.model_validate({"microdata": "offers", "type": "price"})
    values, _ = extract_fields(page, _detail(price=spec.model_dump(by_alias=True)))
    assert values["price"] == (Decimal(2000), "DKK")


def test_extract_fallback_source_with_its_own_type() -> None:
    spec = {
        "css": "time::attr(datetime)", "type": "datetime",
        "fallback": {"css": "p.posted", "type": "date"},
    }  # fmt: skip
    values, misses = extract_fields(Selector(text=PAGE), _detail(posted_at=spec), Locale(), NOW)
    assert values["posted_at"] == datetime(2026, 12, 1, 14, 0, tzinfo=UTC) and misses == []
    page = Selector(text='<time datetime="2026-11-30T08:00:00+00:00">x</time>')
    values, _ = extract_fields(page, _detail(posted_at=spec), Locale(), NOW)
    assert values["posted_at"] == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    values, misses = extract_fields(Selector(text="<p>-</p>"), _detail(posted_at=spec))
    assert values["posted_at"] is None and misses == ["posted_at"]
