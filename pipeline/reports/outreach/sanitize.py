"""Making advert-derived text safe to print and share: no terminal escapes, no contact data."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlp.contacts.mask import MASK, mask_contacts, mask_leftovers
from pipeline.reports.outreach.masked import MASKED

__all__ = ["MASK", "clean", "csv_safe", "excerpt", "mask_contacts", "masked_line"]

# CSI/OSC/other escape sequences first, so their parameters do not survive as text.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# What `clean` does to a character: a space (line breaks, tabs, Unicode spaces), nothing
# (controls, surrogates, and Cf: bidi overrides and zero-width characters that reorder or
# hide text), or keep it. ASCII's answers are fixed; others are asked once each.
_ASCII_TABLE: dict[int, str] = {
    **{code: "" for code in (*range(32), 127)},
    **{ord(char): " " for char in "\n\r\t"},
}


@lru_cache(maxsize=8192)
def _replacement(char: str) -> str | None:
    """A non-ASCII character's replacement, or None to keep it."""
    category = unicodedata.category(char)
    if category.startswith("Z"):
        return " "
    return "" if category in ("Cc", "Cf", "Cs") else None


def _table(text: str) -> dict[int, str]:
    if text.isascii():
        return _ASCII_TABLE
    table = dict(_ASCII_TABLE)
    for char in set(text):
        if ord(char) > 127 and (replacement := _replacement(char)) is not None:
            table[ord(char)] = replacement
    return table


def clean(text: str | None, limit: int | None = None) -> str:
    """One printable line: escape sequences removed, control and bidi characters dropped."""
    if not text:
        return ""
    text = _ESCAPES.sub("", text)
    # str.translate, not a loop over the characters: this runs for every name and excerpt
    # a page shows (a character at a time was most of a target page's time)
    line = " ".join(text.translate(_table(text)).split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def excerpt(title: str | None, text: str | None, limit: int = 100) -> str:
    """A short, printable, contact-free excerpt of an advert for the evidence view
    (masked once while the text and the rules stay the same: `masked.MASKED`)."""
    joined = f"{title or ''} — {text or ''}" if title else (text or "")
    if not joined:
        return ""
    return MASKED.masked(f"excerpt {limit}", joined, lambda text: _masked_clean(text, limit))


def _masked_clean(text: str, limit: int) -> str:
    # Masked again after cleaning: dropping hidden characters (zero-width spaces between
    # the digits) joins a number's pieces that contact finding saw apart. Cut to `limit`
    # last, so no cut-off number escapes the mask.
    line = mask_leftovers(clean(mask_contacts(text)))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def masked_line(text: str, limit: int) -> str:
    """`text` with its contact points masked, as one printable line of at most `limit`
    characters (masked once while the text and the rules stay the same)."""
    if not text:
        return ""
    return MASKED.masked(f"line {limit}", text, lambda text: _masked_clean(text, limit))


def csv_safe(cell: str) -> str:
    """Neutralise cells a spreadsheet would run as a formula (PRIVACY rule 13)."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell
