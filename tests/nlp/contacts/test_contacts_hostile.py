"""Hostile input: huge, empty, odd Unicode and markup must never crash.

How long the 2 MB inputs take is measured by `make bench BENCH=hostile`
(benchmarks/bench_hostile.py, beside a plain regex pass), never asserted here.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.contacts import find_contacts
from nlp.contacts.rewrite import Edit, Layer

ADVERSARIAL = {
    "digits": "1" * 2_000_000,
    "spaced_digits": "1 " * 1_000_000,
    "at_signs": "a@" * 1_000_000,
    "dotted_labels": "a." * 1_000_000,
    "lookalikes_and_words": "2O l2 at dot " * 150_000,
    "number_words": "en to tre " * 200_000,
    "open_tags": "<a" * 1_000_000,
    "entities": "&#" * 1_000_000,
    "phones": "ring 20 12 34 56 " * 100_000,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_contacts_adversarial_2mb_survives(name: str) -> None:
    text = ADVERSARIAL[name]
    found = find_contacts(text)
    assert all(0 <= m.start <= m.end <= len(text) for m in found)
    # a repeated pattern is at most one contact point, however often it repeats
    values = {m.value for m in found}
    assert len(values) <= 1
    if name == "phones":
        assert values == {"+4520123456"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_contacts_never_crash_and_spans_are_inside(text: str) -> None:
    for match in find_contacts(text):
        assert 0 <= match.start <= match.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["20", "12", " ", "+45", "&#48;", "\u200b", "<b>", "O", "tolv", "kr", "@"]),
        max_size=30,
    )
)
def test_contacts_never_crash_on_number_like_soup(parts: list[str]) -> None:
    text = "".join(parts)
    for match in find_contacts(text):
        assert 0 <= match.start < match.end <= len(text)


def test_contacts_nfd_and_nfc_agree() -> None:
    text = "Søde Zoë på 23 år, ring 20 12 34 56, skriv zoë (at) eksempel dot dk"
    nfc = find_contacts(unicodedata.normalize("NFC", text))
    nfd = find_contacts(unicodedata.normalize("NFD", text))
    assert [(m.kind, m.value) for m in nfc] == [(m.kind, m.value) for m in nfd][: len(nfc)]
    assert ("phone", "+4520123456") in [(m.kind, m.value) for m in nfd]


def test_contacts_html_markup_page() -> None:
    page = "<html><body><p>Ring&nbsp;<b>20</b>&nbsp;12&nbsp;34&nbsp;56</p></body></html>"
    phones = [m for m in find_contacts(page) if m.kind == "phone"]
    assert [m.value for m in phones] == ["+4520123456"]
    assert phones[0].obscured == "hidden_chars"


def test_rewrite_layer_maps_spans_back() -> None:
    source = "ab&#48;cd\u200bef"
    layer = Layer(source, [Edit(2, 7, "0", "hidden_chars"), Edit(9, 10, "", "hidden_chars")])
    assert layer.text == "ab0cdef"
    assert layer.to_source(2, 3) == (2, 7)
    assert layer.to_source(3, 7) == (7, 12)
    assert layer.tags_in(0, 2) == set()
    assert layer.tags_in(4, 6) == {"hidden_chars"}
