"""Numbers with invisible characters between their digits (zero-width, bidi controls, soft
hyphens): contact finding reads them, and masking's digit-run backstop masks what it
does not (a page drops the characters and would show the digits joined)."""

from __future__ import annotations

import pytest

from nlp.contacts import find_contacts
from nlp.contacts.mask import MASK, mask_contacts

INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u2060",
    "\u00ad",
    "\ufeff",
    "\u202c",
    "\u2066",
]


@pytest.mark.parametrize("separator", INVISIBLE)
def test_a_phone_number_split_by_invisible_characters_is_found(separator: str) -> None:
    text = "ring " + separator.join(["20", "12", "34", "56"]) + " nu"
    assert [(m.kind, m.value) for m in find_contacts(text)] == [("phone", "+4520123456")]


@pytest.mark.parametrize("separator", INVISIBLE)
def test_a_number_split_by_invisible_characters_is_masked(separator: str) -> None:
    text = "ring " + separator.join(["12", "34", "56", "78"]) + " nu"
    shown = mask_contacts(text)
    assert MASK in shown
    assert not any(char.isdigit() for char in shown)


@pytest.mark.parametrize("text", ["pris 1500 kr, 25 år", "30 min 800, 1 time 1500"])
def test_short_numbers_are_left(text: str) -> None:
    assert mask_contacts(text) == text
