"""The lower-case view: view patterns find what their IGNORECASE forms find, offsets kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nlp.contacts  # noqa: F401  (compiles the contact patterns)
from nlp.contacts import find_contacts
from nlp.contacts.numberwords import load_number_words
from nlp.fields import find_cities
from nlp.textscan import PATTERNS, check_lowercase, lower_view, trie_regex, words_pattern

# Letters re.IGNORECASE treats specially ("ſ" is "s", "ı" is "i", "K" is the Kelvin sign ...)
_ODD = "sSſiIıİkK\u212aσςΣµμMæÆøØåÅß ."


@given(st.text(alphabet=_ODD + "abxy", max_size=40))
def test_textscan_view_keeps_offsets_and_lowers(text: str) -> None:
    view = lower_view(text)
    assert len(view) == len(text)
    assert view == lower_view(view)  # already in view form


@settings(max_examples=300)
@given(
    st.text(alphabet=_ODD + "abxy", max_size=40),
    st.lists(st.text(alphabet="sikσµæøab", min_size=1, max_size=4), min_size=1, max_size=4),
)
def test_textscan_view_pattern_finds_what_ignorecase_finds(text: str, words: list[str]) -> None:
    ignorecase = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))), re.I)
    view = re.compile(trie_regex(lower_view(w) for w in words))
    expected = [m.span() for m in ignorecase.finditer(text)]
    assert [m.span() for m in view.finditer(lower_view(text))] == expected


def test_textscan_words_pattern_is_whole_words_longest_first() -> None:
    pattern = words_pattern(["aarhus", "aarhus c", "å"])
    found = [m.group() for m in pattern.finditer(lower_view("AARHUS C, Aarhusgade, Å."))]
    assert found == ["aarhus c", "å"]


def test_textscan_every_view_pattern_is_spelled_in_the_view() -> None:
    load_number_words()
    find_cities("Aarhus")  # compiles the gazetteer's pattern
    assert len(PATTERNS) >= 8
    assert {pattern.pattern: check_lowercase(pattern) for pattern in PATTERNS} == {
        pattern.pattern: [] for pattern in PATTERNS
    }


def test_textscan_check_lowercase_names_what_the_view_never_holds() -> None:
    assert check_lowercase(re.compile(r"[A-Z]x|ſ")) == ["A", "Z", "ſ"]


def test_textscan_lowercase_pattern_refuses_ignorecase() -> None:
    from nlp.textscan import lowercase_pattern

    with pytest.raises(ValueError, match="IGNORECASE"):
        lowercase_pattern("abc", re.IGNORECASE)


@pytest.mark.parametrize("text", ["ring seks ſeks otte ni to tre", "RING ZWEİ DREI VIER FÜNF"])
def test_textscan_odd_letters_in_number_words_do_not_stop_contacts(text: str) -> None:
    # 'ſeks' once matched 'seks' under IGNORECASE, but its .lower() was no key: KeyError
    assert isinstance(find_contacts(text), list)
