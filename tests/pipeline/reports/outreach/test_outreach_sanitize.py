"""Advert-derived text is printed as one literal line with no escapes and no contact data."""

from __future__ import annotations

import random
import unicodedata

import pytest

from pipeline.reports.outreach.sanitize import MASK, clean, csv_safe, excerpt, masked_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]8;;http://x\x07link\x1b]8;;\x07", "link"),
        ("[bold]x[/bold] <script>", "[bold]x[/bold] <script>"),
        ("a\u202eb\u200bc", "abc"),
        ("line\nbreak\ttab\r", "line break tab"),
        ("bell\x07 and \x00nul", "bell and nul"),
    ],
)
def test_outreach_sanitize_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def _clean_by_character(text: str) -> str:
    """What `clean` did one character at a time before it used str.translate (escapes aside)."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\r\t" or category.startswith("Z"):
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs"):
            kept.append(char)
    return " ".join("".join(kept).split())


def test_outreach_sanitize_clean_equals_character_walk() -> None:
    """Every kind of character — controls, bidi and zero-width marks, surrogates, Unicode
    spaces and line separators, letters of other scripts — is treated as the walk did."""
    awkward = [chr(c) for c in (*range(0, 160), 0x2028, 0x2029, 0x3000, 0xFEFF, 0xD800)]
    awkward += [
        "\u200b",
        "\u200e",
        "\u202e",
        "\u2066",
        "\u00ad",
        "\u1680",
        "æøå",
        "ł",
        "Щ",
        "中",
        "🙂",
    ]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(awkward) for _ in range(rng.randint(0, 30)))
        if "\x1b" in text:
            text = text.replace("\x1b", "")  # escape sequences have their own cases above
        assert clean(text) == _clean_by_character(text), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ring 20 12 34 56 i dag",
        "call +40 721 234 567",
        "skriv på t.me/sweet_anna",
        "Telegram @sweet_anna",
        "mail anna@example.dk",
        "ring to nul et to tre fire fem seks",
        "2\u200b0\u200c1\u20602 3456",
        "ring 12\u200b34\u200b56\u200b78 nu",  # contact finding sees four short numbers
    ],
)
@pytest.mark.parametrize("show", ["excerpt", "evidence line"])
def test_outreach_sanitize_excerpt_masks_contacts(text: str, show: str) -> None:
    shown = excerpt("Title", text) if show == "excerpt" else masked_line(text, 80)
    assert MASK in shown
    for secret in (
        "20123456", "20 12 34 56", "721 234 567", "sweet_anna", "anna@example", "12345678",
    ):  # fmt: skip
        assert secret not in shown


def test_outreach_sanitize_excerpt_length_and_csv() -> None:
    assert len(excerpt(None, "word " * 100, limit=40)) == 40
    assert csv_safe("=cmd()") == "'=cmd()" and csv_safe("@x") == "'@x" and csv_safe("ok") == "ok"
