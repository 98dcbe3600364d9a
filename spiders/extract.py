"""Pure extraction: field specs applied to a page or a JSON record, browser or not."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from parsel import Selector

from pipeline.core.saferegex import check_regex
from spiders.sitefile import DetailSpec, FieldSpec

# Field regexes see at most this much of a value (URLs are capped by URLLENGTH_LIMIT).
MAX_REGEX_INPUT = 1000
_INT = re.compile(r"\d{1,4}")
_AMOUNT = re.compile(r"\d{1,3}(?:[.\s]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?")
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


def raw_values(source: Selector | dict[str, Any], spec: FieldSpec) -> list[str]:
    """The strings a field spec points at, before typing; empty list when nothing matched."""
    if spec.json_path is not None:
        found = json_path(source, spec.json_path) if isinstance(source, dict) else None
        values = found if isinstance(found, list) else [] if found is None else [found]
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
    match = _AMOUNT.search(text)
    if not match:
        return None, None
    digits = match.group(0).replace(" ", "")
    if "," in digits and re.search(r",\d{1,2}$", digits):
        digits = digits.replace(".", "").replace(",", ".")
    elif re.search(r"\.\d{3}", digits):
        digits = digits.replace(".", "")
    else:
        digits = digits.replace(",", "")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        return None, None
    lowered = text.lower()
    currency = next((code for marker, code in _CURRENCIES if marker in lowered), None)
    return amount, currency


def _typed(values: list[str], spec: FieldSpec) -> Any:
    if not values:
        return None
    joined = " ".join(values)
    if spec.type == "list":
        return values
    if spec.type == "int":
        match = _INT.search(joined)
        return int(match.group(0)) if match else None
    if spec.type == "price":
        return parse_price(joined)
    if spec.type == "datetime":
        try:
            parsed = datetime.fromisoformat(values[0])
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return joined


def extract_fields(source: Selector | dict[str, Any], detail: DetailSpec) -> tuple[dict, list[str]]:
    """Typed advert fields, and the names of fields whose selector matched nothing."""
    values: dict[str, Any] = {}
    misses: list[str] = []
    for name, spec in detail.fields.items():
        raw = raw_values(source, spec)
        if not raw:
            misses.append(name)
        values[name] = _typed(raw, spec)
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
