"""Load and check the per-language advert phrase files in `demo/static/phrases_<lang>.yaml`."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("da", "en", "de", "pl", "ro", "es", "th")
POOLS: tuple[str, ...] = (
    "title_first", "title_third", "title_multi", "intro_first", "intro_third", "intro_multi",
    "body_first", "body_third", "price", "hours", "place", "date", "contact_first",
    "contact_third", "button",
)  # fmt: skip
SLOTS: frozenset[str] = frozenset(
    {"name", "name2", "age", "age2", "city", "postcode", "price", "date", "contact"}
)
_STATIC = Path(__file__).with_name("static")


def _slots_of(phrase: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(phrase) if field is not None}


@cache
def phrases(lang: str) -> dict[str, Any]:
    """The phrase pools of one language, checked: every pool present, only known slots used."""
    data = yaml.safe_load((_STATIC / f"phrases_{lang}.yaml").read_text(encoding="utf-8"))
    for key in ("call_word", "split_filler"):
        if not isinstance(data.get(key), str):
            raise ValueError(f"phrases_{lang}.yaml: {key} must be a string")
    for pool in POOLS:
        items = data.get(pool)
        if not items or not all(isinstance(p, str) for p in items):
            raise ValueError(f"phrases_{lang}.yaml: {pool} must be a non-empty list of strings")
        for phrase in items:
            unknown = _slots_of(phrase) - SLOTS
            if unknown:
                raise ValueError(f"phrases_{lang}.yaml: unknown slots {unknown} in {phrase!r}")
            if pool.startswith("contact") and "{contact}" not in phrase:
                raise ValueError(f"phrases_{lang}.yaml: {phrase!r} lacks {{contact}}")
    return data
