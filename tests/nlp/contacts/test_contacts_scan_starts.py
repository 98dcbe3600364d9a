"""Scans that start late or look cheaply first find what the plain scan over the whole text finds.

Each shortcut in nlp/contacts (a scan started at the first place a match can begin, a gate in
place of a regex) is checked against the regex run from the start, on texts drawn from the
characters that matter to it.
"""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.contacts import deobfuscate, emails, handles, phones, urls


def _texts(alphabet: str, max_size: int = 60) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, max_size=max_size)


@settings(max_examples=400, deadline=None)
@given(
    _texts("0123456789 ./:-x\n", 40)
    | st.sampled_from(["på 2024-01-05", "x 1999.12.31", "kl 18.00 - 22.00", "1.500-2.500 kr"])
)
def test_contacts_blocked_spans_equal_full_scan(text: str) -> None:
    full = [m.span() for m in phones._BLOCK_RE.finditer(text)]
    assert phones._blocked(text) == full


@settings(max_examples=400, deadline=None)
@given(_texts(" \t\nat_[]()<>\"'xdoprikunmsbel-", 30))
def test_contacts_at_word_gate_equals_regex(view: str) -> None:
    expected = emails._WORD_GATE_RE.search(view) is not None
    assert emails._has_at_or_dot_word(view) == expected


@settings(max_examples=300, deadline=None)
@given(
    _texts("ab.-/:w ", 40) | st.sampled_from(["x www.a.dk", "a http://x.dk y.com", "kl.18 a.se"])
)
def test_contacts_urls_scan_from_first_token_equals_full_scan(text: str) -> None:
    with patch.object(urls, "_token_start", lambda view, mark: 0):
        full = urls.find_urls(text)
    assert urls.find_urls(text) == full


@settings(max_examples=300, deadline=None)
@given(_texts("tme./hps:@ xlegra_", 40))
def test_contacts_telegram_links_equal_full_scan(text: str) -> None:
    with patch.object(handles, "TME_REACH", len(text) + 1):
        full = handles.find_telegram(text)
    assert handles.find_telegram(text) == full


@settings(max_examples=400, deadline=None)
@given(_texts("0123456789OoIlSsbgx _.-", 40))
def test_contacts_lookalike_edits_equal_full_scan(text: str) -> None:
    with patch.object(deobfuscate, "_word_start", lambda text, at: 0):
        full = deobfuscate._lookalike_edits(text)
    assert deobfuscate._lookalike_edits(text) == full
