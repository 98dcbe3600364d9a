"""Languages to write to a target in, ranked with reasons by nlp.write_in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nlp import write_in

MIN_SHARE = 0.05  # a stray sentence in another language is no reason to write in it


@dataclass(frozen=True)
class WriteIn:
    lang: str
    score: float
    reasons: list[str] = field(default_factory=list)


def languages_to_write_in(
    languages: Mapping[str, int],
    nationalities: Iterable[str],
    phone_countries: Iterable[str],
    adverts: int,
) -> list[WriteIn]:
    """Ranked languages; `languages` maps code → adverts written in it, of `adverts` in all."""
    found = write_in.languages_to_write_in(
        dict(languages), list(nationalities), list(phone_countries), adverts=max(adverts, 1)
    )
    return [WriteIn(item.lang, item.score, list(item.reasons)) for item in found]
