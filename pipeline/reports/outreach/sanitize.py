"""Making advert-derived text safe to print and share: no terminal escapes, no contact data."""

from __future__ import annotations

import re
import unicodedata

from nlp.contacts import find_contacts

# CSI/OSC/other escape sequences first, so their parameters do not survive as text.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Anything still looking like a phone number after contact masking: 6+ digits in a run.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s.\-/()]{0,3}\d){5,}")
_HANDLES = re.compile(
    r"(?:t\.me/|telegram\.me/|wa\.me/)\S+|@[A-Za-z0-9_]{3,}|\S+@\S+\.\S+", re.IGNORECASE
)
MASK = "[contact]"
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


def mask_contacts(text: str | None) -> str:
    """The text with every contact point Scout can find, and every long digit run, masked."""
    if not text:
        return ""
    spans = sorted((match.start, match.end) for match in find_contacts(text))
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        pieces.extend([text[position:start], MASK])
        position = end
    pieces.append(text[position:])
    masked = "".join(pieces)
    return _HANDLES.sub(MASK, _DIGIT_RUN.sub(MASK, masked))


def excerpt(title: str | None, text: str | None, limit: int = 100) -> str:
    """A short, printable, contact-free excerpt of an advert for the evidence view."""
    joined = f"{title or ''} — {text or ''}" if title else (text or "")
    # Masked again after cleaning: dropping hidden characters can join a number's pieces.
    line = _HANDLES.sub(MASK, _DIGIT_RUN.sub(MASK, clean(mask_contacts(joined))))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def csv_safe(cell: str) -> str:
    """Neutralise cells a spreadsheet would run as a formula (PRIVACY rule 13)."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell
