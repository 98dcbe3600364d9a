"""Advert-derived text is printed as one literal line with no escapes and no contact data."""

from __future__ import annotations

import pytest

from pipeline.reports.outreach.sanitize import MASK, clean, csv_safe, excerpt


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
    ],
)
def test_outreach_sanitize_excerpt_masks_contacts(text: str) -> None:
    shown = excerpt("Title", text)
    assert MASK in shown
    for secret in ("20123456", "20 12 34 56", "721 234 567", "sweet_anna", "anna@example"):
        assert secret not in shown


def test_outreach_sanitize_excerpt_length_and_csv() -> None:
    assert len(excerpt(None, "word " * 100, limit=40)) == 40
    assert csv_safe("=cmd()") == "'=cmd()" and csv_safe("@x") == "'@x" and csv_safe("ok") == "ok"
