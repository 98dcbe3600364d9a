"""`mask_contacts`: what contact finding misses, the digit-run backstop still masks —
including numbers with invisible characters between the digits, which a page drops."""

from __future__ import annotations

import pytest

from nlp.contacts.mask import MASK, mask_contacts


@pytest.mark.parametrize(
    "separator", ["\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\u00ad", "\ufeff", "\u202c"]
)
def test_a_number_split_by_invisible_characters_is_masked(separator: str) -> None:
    text = "ring " + separator.join(["12", "34", "56", "78"]) + " nu"
    shown = mask_contacts(text)
    assert MASK in shown
    assert not any(char.isdigit() for char in shown)


@pytest.mark.parametrize("text", ["pris 1500 kr, 25 år", "30 min 800, 1 time 1500"])
def test_short_numbers_are_left(text: str) -> None:
    assert mask_contacts(text) == text
