"""Danish addresses from a site field or free text: street, number, floor/door, postcode, town.

The grammar is the one Danish addresses are written in (BBR/DAWA's adressebetegnelse):
``<vejnavn> <husnummer>[bogstav][, <etage>.[ <dør>]][, <postnr> <by>]``, e.g.
``Vesterbrogade 12, 2. tv., 1620 København V`` or ``Boulevarden 7 st. th. 9000 Aalborg``;
floors ``st``/``kl``/``1.``/``1. sal``, doors ``tv``/``th``/``mf`` or a number. In free text a
street must end in a street word (gade, vej, allé, …) so that ordinary words with a number
after them are not taken for addresses. The town is read from the postcode (the bundled
table), not from what was written, so "Kbh V" and "København V" are the same place.

An address can be someone's home: callers seal `Address.display()` at rest and link by a
keyed hash of `Address.building_key` (never store or log the plain key).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlp.clinics.postcodes import Place, lookup

_STREET_WORDS = (
    "gade|gaden|vej|vejen|allé|alle|alléen|boulevard|boulevarden|plads|pladsen|stræde|torv|"
    "torvet|vænge|vænget|parken|park|gyde|bakke|bakken|toft|toften|sti|stien|kaj|kajen|have|"
    "haven|høj|holm|vang|marken|engen|gården|passage|ring|ringen|brogade|gangen|dige|diget"
)
_ABBREVIATIONS = {"gd": "gade", "vj": "vej", "bd": "boulevard", "pl": "plads", "str": "stræde"}

_FLOOR = r"(?P<floor>st|stuen|kl|kld|kælder|\d{1,2})"
_DOOR = r"(?P<door>tv|th|mf|\d{1,3})"
# Floor needs a dot, "sal" or a door after it, so "12, 2" alone is not read as a floor and a
# postcode ("1620") never is (at most two digits, then a word boundary).
_UNIT = (
    rf"(?:[,\s]\s*{_FLOOR}(?:\.\s*sal\b|\s+sal\b|\.(?!\d)|(?=\s*,?\s*(?:tv|th|mf)\b)"
    rf"|(?<=st)\b|(?<=kl)\b)\.?(?:\s*,?\s*{_DOOR}\b\.?)?)?"
)
_NUMBER = r"(?P<number>\d{1,4})\s?(?P<letter>[A-Za-z](?![a-zæøå]))?"
_TOWN = r"(?P<town>[^\W\d][\w.]*(?:\s(?:[A-ZØ]{1,2}\b\.?))?)"
_POSTCODE = rf"(?:[,\s]\s*(?:DK\s?-\s?)?(?P<postcode>\d{{4}})(?:\s+{_TOWN})?)?"

# In a field the whole value is the address: any street name before the number.
_FIELD = re.compile(
    rf"^\s*(?P<street>[^\W\d][\w.'\- ]*?)\s+{_NUMBER}{_UNIT}{_POSTCODE}\s*[,.]?\s*$",
    re.IGNORECASE,
)
# In free text: up to four capitalised words, the last ending in a street word.
_STREET_IN_TEXT = (
    r"(?P<street>(?:[A-ZÆØÅ][\w.\-]*\s){0,3}"
    rf"(?=[A-ZÆØÅ])[\w\-]*?(?i:{_STREET_WORDS}|gd\.|vj\.))"
)
_TEXT = re.compile(rf"{_STREET_IN_TEXT}\s+{_NUMBER}{_UNIT}{_POSTCODE}(?!\w)")
_POSTCODE_ONLY = re.compile(
    r"(?<!\d)(?:DK\s?-\s?)?(?P<postcode>\d{4})\s+(?P<town>[A-ZÆØÅ][\wæøå]+)"
)


@dataclass(frozen=True)
class Address:
    street: str
    number: str  # house number with its letter, e.g. "12B"
    floor: str | None = None  # "st", "kl" or a number
    door: str | None = None  # "tv", "th", "mf" or a number
    postcode: str | None = None
    place: Place | None = None

    @property
    def town(self) -> str | None:
        return self.place.town if self.place else None

    @property
    def municipality(self) -> str | None:
        return self.place.municipality if self.place else None

    @property
    def region(self) -> str | None:
        return self.place.region if self.place else None

    @property
    def unit(self) -> str:
        return " ".join(part for part in (self.floor, self.door) if part)

    def display(self) -> str:
        """The normalised address, e.g. ``Vesterbrogade 12, 2. tv, 1620 København V``."""
        text = f"{self.street} {self.number}"
        if self.floor:
            floor = self.floor if self.floor in ("st", "kl") else f"{self.floor}."
            text += f", {floor}" + (f" {self.door}" if self.door else "")
        if self.postcode:
            text += f", {self.postcode}" + (f" {self.town}" if self.town else "")
        return text

    @property
    def building_key(self) -> str:
        """Street, number and postcode, spelling-normalised: the plain text of the link key."""
        return f"{street_key(self.street)}|{self.number.lower()}|{self.postcode or ''}"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("é", "e")
    return re.sub(r"[\s.\-']+", "", text)


def street_key(street: str) -> str:
    """A street name in one spelling: case, spaces, dots and abbreviations (gd. → gade) folded."""
    folded = _fold(street)
    for short, full in _ABBREVIATIONS.items():
        if folded.endswith(short):
            return folded[: -len(short)] + full
    return folded


def _street_name(raw: str) -> str:
    """The street as written, tidied: first letter capital, a trailing abbreviation expanded."""
    words = raw.strip(" ,").split()
    last = words[-1].rstrip(".")
    for short, full in _ABBREVIATIONS.items():
        if last.casefold().endswith(short) and words[-1].endswith("."):
            words[-1] = last[: -len(short)] + full
            break
    name = " ".join(words)
    return name[:1].upper() + name[1:]


def _floor(raw: str | None) -> str | None:
    if raw is None:
        return None
    low = raw.casefold()
    if low in ("st", "stuen"):
        return "st"
    if low in ("kl", "kld", "kælder"):
        return "kl"
    return str(int(low))


def _build(match: re.Match[str]) -> Address:
    groups = match.groupdict()
    postcode = groups.get("postcode")
    place = lookup(postcode)
    door = groups.get("door")
    return Address(
        street=_street_name(groups["street"]),
        number=groups["number"] + (groups.get("letter") or "").upper(),
        floor=_floor(groups.get("floor")),
        door=(door.casefold() if door else None),
        postcode=postcode,
        place=place,
    )


def parse_address(value: str) -> Address | None:
    """An address written in a site field (the whole value is the address), or None."""
    match = _FIELD.match(" ".join(value.split()))
    return _build(match) if match else None


def find_addresses(text: str) -> list[Address]:
    """Every address in free text whose street ends in a street word (see the module doc)."""
    return [_build(match) for match in _TEXT.finditer(" ".join(text.split()))]


def find_place(text: str) -> Place | None:
    """The first ``NNNN Town`` in text whose postcode the table knows (e.g. ``9000 Aalborg``)."""
    for match in _POSTCODE_ONLY.finditer(text):
        place = lookup(match.group("postcode"))
        if place is not None:
            return place
    return None
