"""Masked text is kept per process: the same results as masking anew, new rules mask anew,
bounded in count and age, and nothing unmasked is kept."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlp.contacts import numberwords
from nlp.contacts.mask import mask_contacts, mask_leftovers
from pipeline.reports.outreach import evidence, sanitize
from pipeline.reports.outreach.masked import SWEEP_EVERY_S, MaskedTexts
from pipeline.reports.outreach.sanitize import MASK, clean, excerpt, masked_line

TEXTS = [
    "Ring 20 12 34 56 i dag",
    "call +40 721 234 567 after six",
    "skriv på t.me/sweet_anna",
    "Telegram @sweet_anna",
    "mail anna@example.dk",
    "ring to nul et to tre fire fem seks",
    "2\u200b0\u200c1\u20602 3456",
    "Ny i byen, 23 år, diskret",
    "lone surrogate \ud800 and \x1b[31mred\x1b[0m",
    "x" * 300,
    "",
]
# A number in words of a language Scout does not know yet (the rules change below adds it).
ZZ_NUMBERS = "digits: {zab: 0, zib: 1, zob: 2, zub: 3, zeb: 4, zyb: 5, zah: 6, zih: 7}\n"
ZZ_TEXT = "ring zob zab zib zob zub zeb zyb zah i dag"


class Counting:
    """A mask function that counts its calls and says which call made its answer."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> str:
        self.calls += 1
        return f"masked {self.calls}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> MaskedTexts:
    """An empty cache in place of the process's own."""
    cache = MaskedTexts()
    monkeypatch.setattr(sanitize, "MASKED", cache)
    return cache


@pytest.fixture
def lang_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the language data that a test may change, read in place of the real one."""
    copy = tmp_path / "lang"
    shutil.copytree(numberwords.LANG_DIR, copy)
    monkeypatch.setattr(numberwords, "LANG_DIR", copy)
    numberwords.load_number_words.cache_clear()
    yield copy
    numberwords.load_number_words.cache_clear()  # the real files again after this test


def _excerpt_uncached(title: str | None, text: str | None, limit: int = 100) -> str:
    """What `excerpt` did before masked text was kept."""
    joined = f"{title or ''} — {text or ''}" if title else (text or "")
    line = mask_leftovers(clean(mask_contacts(joined)))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("title", [None, "Title"])
def test_outreach_masked_excerpt_equals_masking_anew(
    fresh: MaskedTexts, title: str | None, text: str
) -> None:
    expected = _excerpt_uncached(title, text)
    assert excerpt(title, text) == expected  # masked now
    assert excerpt(title, text) == expected  # from the cache
    assert excerpt(title, text, 20) == _excerpt_uncached(title, text, 20)  # another kind


@pytest.mark.parametrize("text", TEXTS)
def test_outreach_masked_evidence_equals_masking_anew(fresh: MaskedTexts, text: str) -> None:
    for limit in (60, 80, 60):
        assert masked_line(text, limit) == clean(mask_contacts(text), limit)
    value = {"text": text}
    for _ in range(2):
        assert evidence._safe(value, 80) == clean(mask_contacts(json.dumps(value)), 80)
        assert evidence._safe(text, 60) == clean(mask_contacts(text), 60)
    assert evidence._safe(None) == "null"


def test_outreach_masked_rules_change_masks_anew(fresh: MaskedTexts, lang_dir: Path) -> None:
    """Masked under the old number words, the text is masked again under the new ones: a
    language added to the rules hides a number its words spell."""
    before = excerpt("Ny", ZZ_TEXT)
    assert MASK not in before and masked_line(ZZ_TEXT, 80) == ZZ_TEXT
    (lang_dir / "zz").mkdir()
    (lang_dir / "zz" / "numbers.yaml").write_text(ZZ_NUMBERS, encoding="utf-8")
    numberwords.load_number_words.cache_clear()  # as a restart after a rules change does
    after = excerpt("Ny", ZZ_TEXT)
    assert after == _excerpt_uncached("Ny", ZZ_TEXT) == f"Ny — ring {MASK} i dag"
    assert masked_line(ZZ_TEXT, 80) == f"ring {MASK} i dag"


def test_outreach_masked_key_holds_kind_and_rules_version(lang_dir: Path) -> None:
    cache, mask = MaskedTexts(), Counting()
    assert cache.masked("a", "text", mask) == cache.masked("a", "text", mask) == "masked 1"
    assert cache.masked("b", "text", mask) == "masked 2"
    assert cache.masked("a", "other text", mask) == "masked 3"
    (lang_dir / "en" / "numbers.yaml").write_text("digits: {one: 1}\n", encoding="utf-8")
    numberwords.load_number_words.cache_clear()
    assert cache.masked("a", "text", mask) == "masked 4"


def test_outreach_masked_is_bounded_least_recently_used_first() -> None:
    cache, mask = MaskedTexts(max_entries=3), Counting()
    for text in ("a", "b", "c"):
        cache.masked("k", text, mask)
    cache.masked("k", "a", mask)  # used again: "b" is now the least recently used
    cache.masked("k", "d", mask)  # pushes "b" out
    assert (len(cache), mask.calls) == (3, 4)
    cache.masked("k", "a", mask)
    assert mask.calls == 4  # kept
    cache.masked("k", "b", mask)
    assert mask.calls == 5  # masked again
    for text in "efghij":
        cache.masked("k", text, mask)
        assert len(cache) == 3


def test_outreach_masked_expires_and_is_swept() -> None:
    clock, mask = Clock(), Counting()
    cache = MaskedTexts(max_age=600, clock=clock)
    assert cache.masked("k", "old", mask) == "masked 1"
    clock.now += 599
    assert cache.masked("k", "old", mask) == "masked 1"  # in time, even after a use
    clock.now += 1
    assert cache.masked("k", "old", mask) == "masked 2"  # never served older than max_age
    cache.masked("k", "other", mask)
    clock.now += 600 + SWEEP_EVERY_S
    cache.masked("k", "new", mask)  # any use sweeps what has expired out of memory
    assert len(cache) == 1


def test_outreach_masked_keeps_no_unmasked_text(fresh: MaskedTexts) -> None:
    """Only what a page shows is kept: no text it came from, no contact value, and no plain
    digest of the text either (keyed per cache, so it cannot be matched against numbers)."""
    texts = ["Ring 20 12 34 56 i dag", "mail anna@example.dk", "skriv på t.me/sweet_anna"]
    for text in texts:
        excerpt("Ny", text)
        masked_line(text, 80)
    kept = repr(fresh._entries)
    for secret in ("20 12 34 56", "20123456", "anna@example", "sweet_anna", *texts):
        assert secret not in kept
    for (_, _, digest), (_, shown) in fresh._entries.items():
        assert MASK in shown and isinstance(digest, bytes) and len(digest) == 16
    other = MaskedTexts()
    assert fresh._digest(texts[0]) == fresh._digest(texts[0]) != other._digest(texts[0])
