"""Pure extraction: field specs applied to a page or a JSON record, browser or not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from parsel import Selector

from nlp.fields import parse_price as read_price
from pipeline.core import clock
from pipeline.core.saferegex import check_regex
from spiders.sitefile import DetailSpec, FieldSpec, RosterSpec, SideRequestSpec

# Field regexes see at most this much of a value (URLs are capped by URLLENGTH_LIMIT).
MAX_REGEX_INPUT = 1000
# A clinic page lists a handful of persons; a hostile page cannot make the crawl read more.
MAX_ROSTER = 40
_INT = re.compile(r"\d{1,4}")
_CURRENCIES = (
    ("€", "EUR"),
    ("eur", "EUR"),
    ("dkk", "DKK"),
    ("kr", "DKK"),
    ("$", "USD"),
    ("usd", "USD"),
    ("zł", "PLN"),
    ("pln", "PLN"),
    ("sek", "SEK"),
    ("nok", "NOK"),
)


def json_path(data: Any, path: str) -> Any:
    """Follow a dotted path (`a.b.0.c`) through dicts and lists; None when it breaks."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


@dataclass(frozen=True, slots=True)
class Locale:
    """How a site writes dates: its language and the time zone of dates without one."""

    language: str = "da"
    timezone: str = "Europe/Copenhagen"


class Structured:
    """A page's schema.org items, read with extruct once per page and only when asked for."""

    __slots__ = ("_items", "_source")

    def __init__(self, source: Selector) -> None:
        self._source = source
        self._items: dict[str, list[Any]] = {}

    def items(self, kind: str) -> list[Any]:
        if kind not in self._items:
            self._items[kind] = _extruct(kind, self._source)
        return self._items[kind]


def _extruct(kind: str, source: Selector) -> list[Any]:
    # imported here: extruct is only needed by site files with jsonld/microdata fields
    root = source.root
    if not hasattr(root, "xpath"):
        return []
    try:
        if kind == "jsonld":
            items = _jsonld_items(source)
            return [m for item in items if isinstance(item, dict) for m in _graph(item)]
        from extruct.w3cmicrodata import MicrodataExtractor

        return MicrodataExtractor().extract_items(root, None)
    except (ValueError, TypeError, AttributeError):  # broken markup is a miss, not a crash
        return []


def _graph(item: dict[str, Any]) -> list[Any]:
    graph = item.get("@graph")
    return graph if isinstance(graph, list) else [item]


def _jsonld_items(source: Selector) -> list[Any]:
    """Every JSON-LD script's items; one broken script loses only its own items."""
    from extruct.jsonld import JsonLdExtractor

    extractor = JsonLdExtractor()
    try:
        return extractor.extract_items(source.root)
    except ValueError:
        pass
    items: list[Any] = []
    for script in source.xpath('//script[@type="application/ld+json"]').getall():
        try:
            items += extractor.extract_items(Selector(text=f"<html>{script}</html>").root)
        except ValueError:
            continue
    return items


def _type_matches(item: Any, wanted: str, kind: str) -> bool:
    if not isinstance(item, dict):
        return False
    found = item.get("@type") if kind == "jsonld" else item.get("type")
    types = found if isinstance(found, list) else [found]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] == wanted for t in types)


def _nested(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every dict in ``data``, outer ones first (depth-bounded: hostile pages nest deep)."""
    if depth > 20:
        return []
    if isinstance(data, list):
        return [d for value in data for d in _nested(value, depth + 1)]
    if not isinstance(data, dict):
        return []
    return [data] + [d for value in data.values() for d in _nested(value, depth + 1)]


def structured_path(items: list[Any], path: str, kind: str) -> Any:
    """The value at dotted ``path`` ("Product:offers.price") in the first item that has it.

    With a type before ":", only items of that type count, at any depth. Microdata keeps
    an item's values under "properties"; the path names properties only.
    """
    wanted, _, rest = path.rpartition(":")
    if wanted:  # items of that type at any depth ("Offer:price" inside a Product)
        items = [item for item in _nested(items) if _type_matches(item, wanted, kind)]
    for item in items:
        data = item
        for part in rest.split("."):
            if kind == "microdata" and isinstance(data, dict) and "properties" in data:
                data = data["properties"]
            data = json_path(data, part)
            if data is None:
                break
        if kind == "microdata" and isinstance(data, dict) and "value" in data:
            data = data["value"]  # an item with a value of its own
        if data is not None:
            return data
    return None


def _offer_text(item: dict[str, Any]) -> str | None:
    """A schema.org Offer or PriceSpecification as "1500 DKK"; other items give nothing."""
    data = item.get("properties", item)
    price = data.get("price") if isinstance(data, dict) else None
    if price is None or isinstance(price, dict | list):
        return None
    currency = data.get("priceCurrency")
    return f"{price} {currency}" if isinstance(currency, str) else str(price)


def raw_values(
    source: Selector | dict[str, Any], spec: FieldSpec, structured: Structured | None = None
) -> list[str]:
    """The strings a field spec points at, before typing; empty list when nothing matched."""
    if spec.json_path is not None:
        found = json_path(source, spec.json_path) if isinstance(source, dict) else None
        values = found if isinstance(found, list) else [] if found is None else [found]
        strings = [str(v) for v in values if v is not None and not isinstance(v, dict)]
    elif spec.jsonld is not None or spec.microdata is not None:
        kind, path = (
            ("jsonld", spec.jsonld) if spec.jsonld is not None else ("microdata", spec.microdata)
        )
        if not isinstance(source, Selector):
            return []
        structured = structured or Structured(source)
        found = structured_path(structured.items(kind), path or "", kind)
        values = found if isinstance(found, list) else [] if found is None else [found]
        values = [_offer_text(v) if isinstance(v, dict) else v for v in values]
        strings = [str(v) for v in values if v is not None]
    else:
        assert isinstance(source, Selector)
        nodes = source.css(spec.css) if spec.css else source.xpath(spec.xpath or "")
        if spec.css and "::" not in spec.css:
            # An element: its text content, with a space where tags meet (<br>, <p>).
            strings = [" ".join(node.xpath(".//text()").getall()) for node in nodes]
        else:
            strings = nodes.getall()
    if spec.regex:
        pattern = check_regex(spec.regex)
        kept = []
        for value in strings:
            # The checker allows two unbounded repeats; on a capped input even their cubic
            # worst case stays well under a second (B5).
            match = pattern.search(value[:MAX_REGEX_INPUT])
            if match:
                kept.append(match.group(1) if match.groups() else match.group(0))
        strings = kept
    return [s.strip() for s in strings if s and s.strip()]


def parse_price(text: str) -> tuple[Decimal | None, str | None]:
    """Amount and ISO currency of a price as sites write it ("DKK1,000.00", "1.500 kr./time").

    The amount is read by Scout's advert price parser (``nlp.fields.parse_price``, tested on
    scrapinghub/price-parser's cases); the currency symbol is named by its ISO code.
    """
    price = read_price(text)
    if price.amount is None or not any(c.isdigit() for c in text):  # "gratis" is no price
        return None, None
    try:
        amount = Decimal(str(price.amount)).normalize()
    except InvalidOperation:
        return None, None
    if amount == amount.to_integral():
        amount = amount.quantize(Decimal(1))
    lowered = text.lower()
    currency = next((code for marker, code in _CURRENCIES if marker in lowered), None)
    return amount, currency


_KRONE_LANGUAGES = {"da": "DKK", "no": "NOK", "nb": "NOK", "sv": "SEK"}
# A label before a date ("Posted: 0 minutes ago", "Oprettet: i går").
_DATE_LABEL = re.compile(r"^\s*[^\W\d]{1,20}(?:\s[^\W\d]{1,20})?\s*:\s*(?=\S)")
MAX_DATE_CHARS = 80


def parse_date(text: str, locale: Locale, now: datetime) -> datetime | None:
    """A date as people write it, in the site's language, relative to ``now`` (UTC)."""
    text = _DATE_LABEL.sub("", text[:MAX_DATE_CHARS]).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None:
        import dateparser  # loaded on the first date field: its language data takes a second

        zone = ZoneInfo(locale.timezone)
        languages = list(dict.fromkeys([locale.language, "en"]))
        parsed = dateparser.parse(
            text,
            languages=languages,
            settings={
                "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
                "TIMEZONE": locale.timezone,
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past",
                "DATE_ORDER": "DMY",
            },
        )
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(locale.timezone))
    return parsed.astimezone(UTC)


def _typed(values: list[str], spec: FieldSpec, locale: Locale, now: datetime | None) -> Any:
    if not values:
        return None
    joined = " ".join(values)
    if spec.type == "list":
        return values
    if spec.type == "int":
        match = _INT.search(joined)
        return int(match.group(0)) if match else None
    if spec.type == "price":
        amount, currency = parse_price(joined)
        if amount is not None and currency is None and locale.language in _KRONE_LANGUAGES:
            # "1500,-" names no currency: in Denmark, Norway and Sweden it is the krone
            currency = _KRONE_LANGUAGES[locale.language] if ",-" in joined else None
        return amount, currency
    if spec.type == "date":
        return parse_date(values[0], locale, now or clock.now())
    if spec.type == "datetime":
        try:
            parsed = datetime.fromisoformat(values[0])
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return joined


def extract_fields(
    source: Selector | dict[str, Any],
    detail: DetailSpec | SideRequestSpec,
    locale: Locale | None = None,
    now: datetime | None = None,
) -> tuple[dict, list[str]]:
    """Typed advert fields, and the names of fields whose selector matched nothing.

    ``now`` (default: the crawl's clock) anchors relative dates ("i går").
    """
    values: dict[str, Any] = {}
    misses: list[str] = []
    structured = Structured(source) if isinstance(source, Selector) else None
    for name, spec in detail.fields.items():
        raw = raw_values(source, spec, structured)
        used = spec
        while not raw and used.fallback is not None:
            used = used.fallback
            raw = raw_values(source, used, structured)
        if not raw:
            misses.append(name)
        values[name] = _typed(raw, used, locale or Locale(), now)
    return values, misses


def external_id(source: Selector | dict[str, Any], url: str, detail: DetailSpec) -> str | None:
    if detail.external_id is not None:
        found = raw_values(source, detail.external_id)
        if found:
            return found[0]
    if detail.external_id_from_url:
        match = check_regex(detail.external_id_from_url).search(url)
        if match:
            return match.group(1)
    return None


def roster_sources(source: Selector | dict[str, Any], spec: RosterSpec) -> list[Any]:
    """Each listed person's element (or JSON record), at most MAX_ROSTER."""
    persons = spec.persons
    if persons.json_path is not None:
        found = json_path(source, persons.json_path) if isinstance(source, dict) else None
        records = found if isinstance(found, list) else []
        return [record for record in records if isinstance(record, dict)][:MAX_ROSTER]
    if not isinstance(source, Selector):
        return []
    nodes = source.css(persons.css) if persons.css else source.xpath(persons.xpath or "")
    return list(nodes[:MAX_ROSTER])


def roster_person(
    source: Selector | dict[str, Any], spec: RosterSpec, locale: Locale | None = None
) -> dict[str, Any]:
    """One listed person's name, stated age, nationality and languages, typed."""
    values: dict[str, Any] = {}
    for name in ("name", "stated_age", "nationality", "languages"):
        field: FieldSpec | None = getattr(spec, name)
        raw = raw_values(source, field) if field is not None else []
        values[name] = _typed(raw, field, locale or Locale(), None) if field else None
    return values
