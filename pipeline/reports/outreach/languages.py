"""Languages to write to a target in, ranked with reasons: nlp.write_in, or a simple fallback."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Used only when nlp.write_in is not installed: the language most people of a nationality
# or phone country read. Keys are the lower-case nationality words the rules store.
NATIONALITY_LANGUAGE = {
    "danish": "da", "dansk": "da", "english": "en", "british": "en", "german": "de",
    "tysk": "de", "polish": "pl", "polsk": "pl", "romanian": "ro", "rumænsk": "ro",
    "spanish": "es", "spansk": "es", "thai": "th", "latina": "es", "nigerian": "en",
}  # fmt: skip
COUNTRY_LANGUAGE = {
    "DK": "da", "DE": "de", "PL": "pl", "RO": "ro", "ES": "es", "TH": "th", "GB": "en",
    "NG": "en", "MD": "ro", "AT": "de", "CH": "de", "BG": "bg", "UA": "uk", "HU": "hu",
}  # fmt: skip


MIN_SHARE = 0.05  # a stray sentence in another language is no reason to write in it


@dataclass(frozen=True)
class WriteIn:
    lang: str
    score: float
    reasons: list[str] = field(default_factory=list)


def _fallback(
    languages: Mapping[str, int],
    nationalities: Iterable[str],
    phone_countries: Iterable[str],
    adverts: int,
) -> list[WriteIn]:
    scores: Counter[str] = Counter()
    reasons: dict[str, list[str]] = {}
    for lang, count in languages.items():
        share = count / adverts
        if lang != "und":
            scores[lang] += share
            reasons.setdefault(lang, []).append(f"adverts written in it ({share:.0%})")
    for nationality in set(nationalities):
        lang = NATIONALITY_LANGUAGE.get(nationality.casefold())
        if lang:
            scores[lang] += 0.5
            reasons.setdefault(lang, []).append(f"nationality stated: {nationality}")
    for country in set(phone_countries):
        lang = COUNTRY_LANGUAGE.get(country)
        if lang and country != "DK":
            scores[lang] += 0.4
            reasons.setdefault(lang, []).append(f"phone registered in {country}")
    return [WriteIn(lang, round(score, 2), reasons[lang]) for lang, score in scores.most_common()]


def _as_write_in(item: Any) -> WriteIn:
    return WriteIn(str(item.lang), float(item.score), [str(r) for r in item.reasons])


def languages_to_write_in(
    languages: Mapping[str, int],
    nationalities: Iterable[str],
    phone_countries: Iterable[str],
    adverts: int,
) -> list[WriteIn]:
    """Ranked languages; `languages` maps code → adverts written in it, of `adverts` in all."""
    adverts = max(adverts, 1)
    try:
        from nlp.write_in import languages_to_write_in as ranked
    except ImportError:
        return _fallback(languages, nationalities, phone_countries, adverts)
    found = ranked(dict(languages), list(nationalities), list(phone_countries), adverts=adverts)
    return [_as_write_in(item) for item in found]
