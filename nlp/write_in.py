"""Languages to write to a person in, ranked with reasons, from their adverts' languages, stated
nationality and phone country (the table is data: ``nlp/lang/write_in.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers

from pipeline.core.datafiles import read_yaml

TABLE_FILE = Path(__file__).resolve().parent / "lang" / "write_in.yaml"


@dataclass
class WriteIn:
    """One language to write in: ISO 639-1 code, score (higher first) and why, in words."""

    lang: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WriteInTable:
    """The data file, read: weights, language names, countries with their languages and words."""

    weights: dict[str, float]
    later_factor: float
    fallback: tuple[str, ...]
    language_names: dict[str, str]
    country_names: dict[str, str]
    demonyms: dict[str, str]  # the first nationality word, capitalised ("Romanian")
    country_languages: dict[str, tuple[str, ...]]
    word_to_country: dict[str, str]

    def language_name(self, code: str) -> str:
        return self.language_names.get(code, code)


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE_FILE) -> WriteInTable:
    """Read ``write_in.yaml`` (cached)."""
    data: dict[str, Any] = read_yaml(path)
    countries: dict[str, dict[str, Any]] = data["countries"]
    words = {
        str(word).casefold(): code
        for code, country in countries.items()
        for word in country.get("words") or []
    }
    return WriteInTable(
        weights={key: float(value) for key, value in data["weights"].items()},
        later_factor=float(data.get("later_language_factor", 0.5)),
        fallback=tuple(data.get("fallback") or ()),
        language_names={str(k): str(v) for k, v in data["languages"].items()},
        country_names={code: str(c["name"]) for code, c in countries.items()},
        demonyms={
            code: str((c.get("words") or [c["name"]])[0]).capitalize()
            for code, c in countries.items()
        },
        country_languages={code: tuple(c["languages"]) for code, c in countries.items()},
        word_to_country=words,
    )


def country_of_nationality(value: str, table: WriteInTable | None = None) -> str | None:
    """ISO country for a stated nationality: a code ("RO") or a word ("rumænsk", "Romanian")."""
    table = table or load_table()
    cleaned = value.strip()
    if cleaned.upper() in table.country_languages:
        return cleaned.upper()
    return table.word_to_country.get(cleaned.casefold())


def languages_to_write_in(
    languages: Mapping[str, float],
    nationalities: Iterable[str] = (),
    phone_countries: Iterable[str] = (),
    adverts: int | None = None,
    table: WriteInTable | None = None,
) -> list[WriteIn]:
    """Languages to write in, best first.

    ``languages`` maps a language code to how many adverts are written in it (an advert in two
    languages counts for both); ``adverts`` is how many adverts there are (default: the largest
    of that sum's rounding and the biggest count). ``nationalities`` are ISO codes or words;
    ``phone_countries`` ISO regions. Unknown values are skipped, never guessed.
    """
    table = table or load_table()
    found: dict[str, WriteIn] = {}

    def add(lang: str, score: float, reason: str) -> None:
        entry = found.setdefault(lang, WriteIn(lang, 0.0))
        entry.score += score
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    counts = {lang: n for lang, n in languages.items() if n > 0 and lang != "und"}
    total = adverts or max(round(sum(counts.values())), max(counts.values(), default=0))
    for lang, n in counts.items():
        share = min(n / total, 1.0) if total else 0.0
        of = f" ({_count(n)} of {total} adverts)" if total > 1 else ""
        reason = f"advert written in {table.language_name(lang)}{of}"
        add(lang, table.weights["advert"] * share, reason)
    for country in _unique(filter(None, (country_of_nationality(n, table) for n in nationalities))):
        name = table.country_names.get(country, country)
        for rank, lang in enumerate(table.country_languages.get(country, ())):
            weight = table.weights["nationality"] * table.later_factor**rank
            also = f" ({table.language_name(lang)} is also read in {name})" if rank else ""
            add(lang, weight, f"stated nationality: {table.demonyms[country]}{also}")
    for region in _unique(code.strip().upper() for code in phone_countries if code):
        if region not in table.country_languages:
            continue
        prefix = phonenumbers.country_code_for_region(region)
        reason = f"phone number from {table.country_names[region]} (+{prefix})"
        for rank, lang in enumerate(table.country_languages[region]):
            add(lang, table.weights["phone"] * table.later_factor**rank, reason)
    for lang in table.fallback:
        if lang not in found:
            add(lang, table.weights["fallback"], f"{table.language_name(lang)} is widely read")
    for entry in found.values():
        entry.score = round(entry.score, 3)
    return sorted(found.values(), key=lambda e: (-e.score, e.lang))


def _count(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:.1f}"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
