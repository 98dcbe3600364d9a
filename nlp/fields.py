"""Structured fields of an advert (stated age, prices, names, cities): plain functions, without
spaCy (a crawl reads cities and prices with them; the component is nlp/fields_component.py)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from nlp.textscan import lower_view, lowercase_pattern, words_pattern
from pipeline.core.datafiles import read_yaml

CITIES_FILE = Path(__file__).parent / "lang" / "da" / "cities.yaml"

# All regexes here are hand-written code, not analyst data: no nested or overlapping
# quantifiers, so they stay linear on the 100k-char texts the pipeline allows.
_NUM = r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,'’]\d+)*"
# Matched in the lower-case view of a text (as IGNORECASE would, faster); the lookaheads let
# every position that starts no alternative fail at once (the second: letters inside words).
_AGE = lowercase_pattern(
    r"(?=[\daeijlvw])(?=\d|\b)"
    r"(?:(?<![\d.,])(?P<a>\d{2})(?:\s|-)?(?:år(?:ig)?|aar(?:ig)?|years?(?:[\s-]old)?|yrs?|yo|y\.o\.?"
    r"|jahre|lat|ani|años)(?!\w)(?!\s+(?:of\s+)?(?:experience|erfaring|erfahrung))"
    r"|\b(?:age|alder|alter|wiek|vârsta|edad)\s?[:=]?\s?(?P<b>\d{2})(?!\d|[.,]\d)"
    r"|\b(?:i\s+am|i'm|jeg\s+er|just\s+turned|lige\s+fyldt|ich\s+bin)\s+(?P<c>\d{2})(?!\d|[.,]\d)"
    r"(?!\s?(?:min|minut|km|cm|kg|%|kr|dkk|eur|€|timer|hours|h\b|m\b)))"
)
# "for 10 years", "i 10 år": a duration, not an age.
_DURATION_WORDS = {"i", "for", "in", "over", "efter", "since", "siden", "seit", "vor", "fra", "har"}
_NAME = re.compile(
    # the lookahead (first letters of the openings) makes other positions fail at once
    r"(?i:(?=[cdefghijmnops])\b(?:i\s+am|i'm|my\s+name\s+is|jeg\s+hedder|mit\s+navn\s+er|jeg\s+er|name\s?:|navn\s?:"
    r"|ich\s+bin|ich\s+heiße|mein\s+name\s+ist|nazywam\s+się|mam\s+na\s+imię|mă\s+numesc"
    r"|me\s+llamo|she\s+is|her\s+name\s+is|hun\s+hedder|hendes\s+navn\s+er|ea\s+este"
    r"|ona\s+ma\s+na\s+imię|ella\s+es|ella\s+se\s+llama|sie\s+heißt|sie\s+ist"
    r"|(?:pige|girl|chica|dziewczyna|fată|mädchen)\s+(?:i|in|en|w|în)\s+\w+:))\s+(?P<name>[A-ZÆØÅÄÖÜ][a-zæøåäöüéèáíóúñ]{1,19})(?!\w)"
)
# Where a name may follow: the openings above, then a word (any case), in the lower-case view.
# A superset of _NAME's matches, cheap to search for; _NAME decides at each place found.
_NAME_OPENING = lowercase_pattern(
    _NAME.pattern[_NAME.pattern.index("(?i:") + 4 : _NAME.pattern.index(r")\s+(?P<name>")]
    + r"\s+[^\W\d_]"
)
_NOT_NAMES = {
    "New", "Ny", "Here", "Her", "Back", "Available", "Ready", "Klar", "Young", "Ung", "Sexy",
    "Single", "The", "Very", "Your", "Din", "En", "Et", "Mature", "Hot", "Danish", "Dansk",
    "Thai", "Asian", "Latina", "Real", "Only", "Kun", "Not", "Ikke", "Free", "From", "Fra",
}  # fmt: skip
# Currency words in any case: the price regex runs on the lower-case view of a text.
_CUR_BEFORE = r"(?P<cb>dkk|eur|usd|kr\.?|€|\$|£)"
_CUR_AFTER = r"(?P<ca>dkk|eur|euros?|usd|kroner|kr\.?|roses?|roser|rosen|€|\$|£|,-|\.-)"
_ADVERT_PRICE = lowercase_pattern(
    # a price starts with a digit or a currency; the lookahead fails other positions at once,
    # and the one before the second alternative (it starts with a digit) the letters d e u k
    r"(?=[\d€$£deuk])"
    rf"(?:(?<!\w){_CUR_BEFORE}\s?(?P<n1>{_NUM})"
    rf"|(?=\d)(?:(?<![\d.,])(?P<lo>{_NUM})\s?[-–]\s?)?(?<![\d.,])(?P<n2>{_NUM})\s?{_CUR_AFTER}(?!\w))"
)
_ISO = {"kr": "DKK", "kr.": "DKK", "kroner": "DKK", "dkk": "DKK", ",-": "DKK", ".-": "DKK",
        "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR", "$": "USD", "usd": "USD",
        "£": "GBP"}  # fmt: skip
EUPHEMISMS = {"rose", "roses", "roser", "rosen"}


@dataclass(frozen=True)
class AgeMention:
    value: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PriceMention:
    """A price in an advert; ``currency`` is ISO 4217, "roses" for euphemisms, or None."""

    amount: float
    currency: str | None
    euphemism: bool
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NameMention:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class CityMention:
    city: str
    region: str
    start: int
    end: int


@dataclass
class AdvertFields:
    """Everything fields.py finds in one advert; ``Doc._.fields`` holds one of these."""

    ages: list[AgeMention] = field(default_factory=list)
    prices: list[PriceMention] = field(default_factory=list)
    names: list[NameMention] = field(default_factory=list)
    cities: list[CityMention] = field(default_factory=list)


_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")


def to_amount(number: str, decimal_separator: str | None = None) -> float | None:
    """Read "1.500", "1 298,00", "53,20", "34.992001" as a number (European or English style)."""
    digits = _NUMBER_SPACES.sub("", number).rstrip(".,")
    if not digits:
        return None
    if decimal_separator is None:
        dot, comma = digits.rfind("."), digits.rfind(",")
        if dot >= 0 and comma >= 0:
            decimal_separator = "." if dot > comma else ","
        elif dot >= 0 or comma >= 0:
            sep = "." if dot >= 0 else ","
            head, *tail = digits.split(sep)
            # One separator before exactly three digits is a thousands mark ("1.500", "227,000").
            if len(tail) == 1 and (len(tail[0]) != 3 or head == "0"):
                decimal_separator = sep
    kept = "".join(ch for ch in digits if ch.isdigit() or ch == decimal_separator)
    try:
        return float(kept.replace(decimal_separator, ".") if decimal_separator else kept)
    except ValueError:
        return None


_CURRENCY = re.compile(
    r"US\$|C\$|A\$|NT\$|R\$|€|\$|£|(?<!\w)(?:DKK|EUR|USD|GBP|SEK|NOK|kr|Kr|KR)(?![^\W\d])"
)
# A leading separator (".75", "$..75") is a fraction of one unit.
_PRICE_NUMBER = re.compile(rf"(?<!\d)\.{{1,2}}(?=\d)|(?:{_NUM})(?![\d%]|\s%)")


@dataclass(frozen=True)
class Price:
    """One price string read the way scrapinghub's price-parser reads it (raw currency text)."""

    amount: float | None
    currency: str | None
    amount_text: str | None


def parse_price(
    text: str | None, currency_hint: str | None = None, decimal_separator: str | None = None
) -> Price:
    """Parse a short price string ("1.198,- Kr", "€ 610,"); the hint supplies a missing currency."""
    text = text or ""
    currency = _CURRENCY.search(text) or (
        _CURRENCY.search(currency_hint) if currency_hint else None
    )
    symbol = currency.group(0) if currency else None
    number = _PRICE_NUMBER.search(text)
    if number is None:
        free = re.search(r"\b(?:free|gratis)\b", text, re.I)
        return Price(0.0 if free else None, symbol, "0" if free else None)
    raw = number.group(0)
    if raw.startswith("."):
        tail = re.match(rf"{_NUM}", text[number.end() :])
        raw = "0." + tail.group(0).replace(",", "") if tail else raw
    amount = to_amount(raw, decimal_separator if not raw.startswith("0.") else ".")
    return Price(amount, symbol, raw.rstrip(".,").replace("\u00a0", " "))


def find_ages(text: str) -> list[AgeMention]:
    """Stated ages ("23 år", "age 24", "24 yo", "24-årig", "I'm 19"); durations are skipped."""
    found = []
    for match in _AGE.finditer(lower_view(text)):
        group = match.lastgroup or "a"  # the one named group (a, b or c) that matched
        start, end = match.span()
        before = text[max(0, start - 12) : start].split()
        if group == "a" and before and before[-1].lower() in _DURATION_WORDS:
            continue
        value = int(match.group(group))
        if value >= 10:
            found.append(AgeMention(value, start, end, text[start:end]))
    return found


def find_prices(text: str) -> list[PriceMention]:
    """Prices with a currency or a euphemism ("1.500,-", "DKK 1500", "€150", "200 roses")."""
    found = []
    for match in _ADVERT_PRICE.finditer(lower_view(text)):  # numbers read the same in it
        raw = (match.group("cb") or match.group("ca")).lower()
        euphemism = raw in EUPHEMISMS
        currency = "roses" if euphemism else _ISO.get(raw)
        for key in ("lo", "n1", "n2"):
            amount = to_amount(match.group(key)) if match.group(key) else None
            if amount is not None:
                start, end = match.span(key)
                span = (min(start, match.start()), max(end, match.end()))
                found.append(PriceMention(amount, currency, euphemism, *span, text[slice(*span)]))
    return found


def find_names(text: str) -> list[NameMention]:
    """Self-introductions: "I am Anna", "jeg hedder Anna", "Name: Anna"."""
    found, view, pos = [], lower_view(text), 0
    # _NAME.finditer(text), trying only where an opening is: finditer goes on at a match's end
    while (opening := _NAME_OPENING.search(view, pos)) is not None:
        m = _NAME.match(text, opening.start())
        pos = m.end() if m else opening.start() + 1
        if m and m.group("name") not in _NOT_NAMES:
            found.append(NameMention(m.group("name"), m.start("name"), m.end("name")))
    return found


@cache
def _gazetteer() -> tuple[dict[str, tuple[str, str]], re.Pattern[str]]:
    """Cities by spelling in the lower-case view, and a view pattern matching any of them."""
    data = read_yaml(CITIES_FILE)
    lookup: dict[str, tuple[str, str]] = {}
    for city, entry in data.items():
        for spelling in [city, *entry.get("aliases", [])]:
            key = unicodedata.normalize("NFC", spelling).casefold()
            lookup[lower_view(key)] = (city, entry["region"])
    return lookup, words_pattern(lookup)


def find_cities(text: str) -> list[CityMention]:
    """Danish cities named in the text, with canonical name and region."""
    lookup, pattern = _gazetteer()
    return [
        CityMention(*lookup[m.group(0)], m.start(), m.end())
        for m in pattern.finditer(lower_view(text))
    ]


def extract_fields(text: str) -> AdvertFields:
    """All structured fields of one (NFC-normalised) advert text."""
    return AdvertFields(find_ages(text), find_prices(text), find_names(text), find_cities(text))
