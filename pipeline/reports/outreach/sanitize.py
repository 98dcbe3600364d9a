"""Making advert-derived text safe to print and share: no terminal escapes, no contact data."""

from __future__ import annotations

import re
import unicodedata

from nlp.contacts.mask import MASK, mask_contacts, mask_leftovers

__all__ = ["MASK", "clean", "csv_safe", "excerpt", "mask_contacts"]

# CSI/OSC/other escape sequences first, so their parameters do not survive as text.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str | None, limit: int | None = None) -> str:
    """One printable line: escape sequences removed, control and bidi characters dropped."""
    if not text:
        return ""
    text = _ESCAPES.sub("", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\r\t" or category.startswith("Z"):
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs"):
            # Cf covers bidi overrides and zero-width characters that reorder or hide text.
            kept.append(char)
    line = " ".join("".join(kept).split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def excerpt(title: str | None, text: str | None, limit: int = 100) -> str:
    """A short, printable, contact-free excerpt of an advert for the evidence view."""
    joined = f"{title or ''} — {text or ''}" if title else (text or "")
    # Masked again after cleaning: dropping hidden characters can join a number's pieces.
    line = mask_leftovers(clean(mask_contacts(joined)))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def csv_safe(cell: str) -> str:
    """Neutralise cells a spreadsheet would run as a formula (PRIVACY rule 13)."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell
