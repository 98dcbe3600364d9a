"""The contact-point record that Scout's NLP stage hands on, and the names of how hidden it was."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("phone", "email", "whatsapp", "telegram", "signal", "url")

# Most telling first: when several tricks meet in one span, the record names the strongest one,
# because downstream the obscuring itself is the indicator.
OBSCURED = (
    "link",
    "words",
    "lookalike",
    "unicode",
    "hidden_chars",
    "split",
    "reformatted",
    "plain",
)
_RANK = {name: rank for rank, name in enumerate(OBSCURED)}


def strongest(tags: set[str] | frozenset[str], default: str = "plain") -> str:
    """Return the most telling obscuring technique among ``tags`` (``default`` when empty)."""
    known = [tag for tag in tags if tag in _RANK]
    return min(known, key=_RANK.__getitem__) if known else default


@dataclass(frozen=True, slots=True)
class ContactMatch:
    """One contact point found in an advert, with the evidence span and how it was obscured."""

    kind: str  # "phone" | "email" | "whatsapp" | "telegram" | "signal" | "url"
    value: str  # E.164 for numbers, lower-case e-mail, handle without @, url
    start: int  # char offsets of the evidence span in the input text
    end: int
    obscured: str  # one of OBSCURED
    country: str | None = None  # ISO region for phones ("DK", "RO", ...)
    number_type: str | None = None  # "mobile", "fixed_line", "fixed_line_or_mobile", "voip", ...
