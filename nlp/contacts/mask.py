"""Masking every contact point in a piece of advert text, for anything stored or shown."""

from __future__ import annotations

import re

import phonenumbers

# Anything still looking like a phone number after contact masking: 6+ digits in a run,
# also when invisible characters (zero-width, bidi marks, soft hyphens) sit between them:
# contact finding may see such a number as short pieces, and a page drops the characters.
_INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
DIGIT_RUN = re.compile(rf"\+?\d(?:[\s.\-/(){_INVISIBLE}]{{0,3}}\d){{5,}}")
HANDLES = re.compile(
    r"(?:t\.me/|telegram\.me/|wa\.me/)\S+|@[A-Za-z0-9_]{3,}|\S+@\S+\.\S+", re.IGNORECASE
)
MASK = "[contact]"


def mask_contacts(text: str | None) -> str:
    """The text with every contact point Scout can find, and every long digit run, masked."""
    from nlp.contacts import find_contacts  # the package imports this module

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
    return mask_leftovers("".join(pieces))


def mask_version() -> str:
    """What masking a text depends on besides the text: the number words in use (a digest of
    their files) and phonenumbers' metadata. A cache of masked text keys on it, so that
    nothing masked under other rules is served after they change."""
    from nlp.contacts.numberwords import load_number_words

    return f"{load_number_words().version}/{phonenumbers.__version__}"


def mask_leftovers(text: str) -> str:
    """Digit runs and handle-like words masked, for what contact finding might miss."""
    return HANDLES.sub(MASK, DIGIT_RUN.sub(MASK, text))
