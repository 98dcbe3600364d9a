"""Phone styles: each written form still carries the true number; images are deterministic."""

from __future__ import annotations

import random
import re
from html import unescape
from typing import Any

import pytest

from demo.images import image_bytes, parse_image_id
from demo.phones import (
    DK_ONLY_STYLES,
    FOREIGN_ONLY_STYLES,
    STYLES,
    make_number,
    render_phone,
    split_e164,
    styles_for,
)
from demo.phrases import LANGUAGES, phrases

_WORDS = {
    "nul": "0", "en": "1", "to": "2", "tre": "3", "fire": "4", "fem": "5", "seks": "6",
    "syv": "7", "otte": "8", "ni": "9", "zero": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip


def digits_of(style: str, text: str, html: str) -> str:
    """A deliberately naive decoder written for the test, independent of demo.phones."""
    if style in ("tel_link", "wa_link"):
        text = re.search(r'href="(?:tel:|https://wa\.me/)([^"]+)"', html).group(1)  # type: ignore[union-attr]
    elif style == "html_entity":
        assert not re.search(r"\d\d", re.sub(r"&#\d+;", "", html))
        text = unescape(html)
    elif style == "split":
        head, _, tail = text.split(" ... ")
        text = head + tail
    elif style.startswith("words_"):
        text = "".join(_WORDS[w] for w in text.split())
    elif style.startswith("glued_"):
        assert re.search(r"[0-9][a-z]|[a-z][0-9]", text)
        for word in sorted([*_WORDS, "for"], key=len, reverse=True):
            text = text.replace(word, _WORDS.get(word, "4"))
    elif style == "plus_detached":
        assert re.match(r"\+ [0-9] [0-9]", text)
    elif style == "no_plus":
        assert not text.startswith("+")
    elif style == "lookalike":
        assert re.search(r"[OolI]", text)
        text = text.translate(str.maketrans("OolI", "0011"))
    elif style == "keycap":
        assert "\u20e3" in text
    elif style == "fullwidth":
        assert not re.search(r"[0-9]", text)
        text = "".join(chr(ord(c) - 0xFF10 + 48) if "０" <= c <= "９" else c for c in text)
    elif style == "zero_width":
        assert re.search("[\u200b\u200c\u2060]", text)
    return "".join(c for c in text if c.isdigit())


# Danish numbers are written without +45 unless the style writes it (a plain one may or may not).
DK_STYLES_WITH_CODE = {"prefix_0045", "prefix_paren", "tel_link", "wa_link"}
CASES = [
    (country, style)
    for country in ("DK", "RO", "PL", "ES", "TH", "DE")
    for style in STYLES
    if (country == "DK" or style not in DK_ONLY_STYLES)
    and (country != "DK" or style not in FOREIGN_ONLY_STYLES)
]


@pytest.mark.parametrize(("country", "style"), CASES)
def test_phones_style_keeps_number(country: str, style: str) -> None:
    rng = random.Random(f"{country}-{style}")
    e164 = make_number(rng, country, set())
    assert style in styles_for(e164)
    cc, national = split_e164(e164)
    shown = render_phone(e164, style, rng, "ring efter kl 18", "Ring til mig")
    digits = digits_of(style, shown.text, shown.html)
    if style == "prefix_0045":
        assert digits.startswith("00" + cc)
        digits = digits[2:]
    with_code = country != "DK" or style in DK_STYLES_WITH_CODE or shown.text.startswith("+")
    assert digits == (cc + national if with_code else national)


def test_phones_every_advert_contact_decodes(demo_truth: dict[str, Any]) -> None:
    for advert in demo_truth["adverts"]:
        for version in advert["versions"]:
            for c in (c for c in version["contacts"] if c["kind"] == "phone"):
                if c["reveal"] == "text":
                    assert c["shown"] in version["text"]
                else:
                    assert c["shown"] not in version["text"]
                if c["style"] not in ("tel_link", "wa_link", "html_entity"):
                    _, national = split_e164(c["value"])
                    assert digits_of(c["style"], c["shown"], "").endswith(national)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phones_phrase_files_load(lang: str) -> None:
    data = phrases(lang)
    assert len(data["intro_first"]) >= 2 and len(data["intro_third"]) >= 2


def test_phones_images_deterministic_and_variants() -> None:
    assert image_bytes("i5") == image_bytes("i5")
    assert image_bytes("i5") != image_bytes("i6")
    assert image_bytes("i5s90")[:2] == b"\xff\xd8"
    assert len(image_bytes("i5q20")) < len(image_bytes("i5"))
    assert parse_image_id("i5s90") == ("i5", "resized")
    with pytest.raises(KeyError):
        image_bytes("../etc/passwd")
