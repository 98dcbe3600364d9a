"""Synthetic, valid mobile numbers and the many ways adverts write them (the obfuscation styles)."""

from __future__ import annotations

import random
from functools import lru_cache
from html import escape
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberType

# country -> (calling code, national prefixes that validate as mobile, national length)
NUMBER_PLANS: dict[str, tuple[int, tuple[str, ...], int]] = {
    "DK": (45, ("20", "22", "26", "28", "30", "31", "40", "42", "50", "53", "60", "61", "71"), 8),
    "RO": (40, ("72", "74", "75"), 9),
    "PL": (48, ("50", "51", "60", "69", "79"), 9),
    "ES": (34, ("6",), 9),
    "TH": (66, ("8", "9"), 9),
    "DE": (49, ("151", "160", "170", "176"), 11),
}

# Danish numbers (no country code) can be written as words; foreign ones carry "+cc", or
# their country code without the "+" (``no_plus``), or words glued to digits after "+cc".
DK_ONLY_STYLES: frozenset[str] = frozenset({"words_da", "words_en", "glued_da", "glued_en"})
FOREIGN_ONLY_STYLES: frozenset[str] = frozenset({"glued_foreign", "no_plus"})
STYLES: tuple[str, ...] = (
    "plain", "spaced", "dotted", "dashed", "prefix_0045", "prefix_paren", "words_da", "words_en",
    "lookalike", "keycap", "fullwidth", "split", "zero_width", "html_entity", "tel_link", "wa_link",
    "glued_da", "glued_en", "glued_foreign", "plus_detached", "no_plus",
)  # fmt: skip
# Styles that still read as a number when a site hides it behind a "show number" button.
BUTTON_STYLES: tuple[str, ...] = ("plain", "spaced", "dotted", "dashed", "prefix_paren")

_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_WORDS = {
    "words_da": ("nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni"),
    "words_en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
_KEYCAP = "\ufe0f\u20e3"


class Rendered(NamedTuple):
    """A contact as it appears in the advert: visible text and the HTML source for it."""

    text: str
    html: str


def make_number(rng: random.Random, country: str, taken: set[str]) -> str:
    """Draw an unused number in E.164 that `phonenumbers` accepts as a valid mobile."""
    code, prefixes, length = NUMBER_PLANS[country]
    while True:
        prefix = rng.choice(prefixes)
        national = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix)))
        e164 = f"+{code}{national}"
        if e164 in taken:
            continue
        parsed = phonenumbers.parse(e164)
        if (
            phonenumbers.is_valid_number(parsed)
            and phonenumbers.number_type(parsed) in _MOBILE_TYPES
        ):
            taken.add(e164)
            return e164


@lru_cache(maxsize=1 << 16)
def split_e164(e164: str) -> tuple[str, str]:
    """Return (calling code, national number) of an E.164 string made by `make_number`."""
    for code, _, length in NUMBER_PLANS.values():
        cc = str(code)
        if e164.startswith("+" + cc) and len(e164) == 1 + len(cc) + length:
            return cc, e164[1 + len(cc) :]
    raise ValueError(f"not a demo number: {e164}")


@lru_cache(maxsize=1 << 16)
def styles_for(e164: str) -> tuple[str, ...]:
    """The styles that can write this number (words only for Danish, lookalike needs a 0 or 1)."""
    cc, national = split_e164(e164)
    return tuple(
        s
        for s in STYLES
        if (cc == "45" or s not in DK_ONLY_STYLES)
        and (cc != "45" or s not in FOREIGN_ONLY_STYLES)
        and (s != "lookalike" or "0" in national or "1" in national)
    )


def _groups(national: str) -> list[str]:
    if len(national) == 8:
        return [national[i : i + 2] for i in range(0, 8, 2)]
    if len(national) == 9:
        return [national[0:3], national[3:6], national[6:9]]
    return [national[0:3], national[3:7], national[7:]]


_GLUED = {"glued_da": "words_da", "glued_en": "words_en", "glued_foreign": "words_en"}
# English escort adverts misspell a few digit words when gluing them ("for80 2sixseven").
_MISSPELT = {"four": "for"}


def _halves(national: str) -> list[str]:
    half = len(national) // 2
    return [national[:half], national[half:]]


def _glued(group: str, words: tuple[str, ...], rng: random.Random) -> str:
    """Digits and digit words run together ("3fire5seks"): at least one of each in a group."""
    as_word = [rng.random() < 0.5 for _ in group]
    as_word[0], as_word[-1] = True, False  # a word and a digit side by side, somewhere
    rng.shuffle(as_word)
    if all(as_word) or not any(as_word):
        as_word = [i % 2 == 0 for i in range(len(group))]
    out = []
    for digit, word in zip(group, as_word, strict=True):
        spelled = words[int(digit)]
        out.append(_MISSPELT.get(spelled, spelled) if word and rng.random() < 0.3 else spelled)
        if not word:
            out[-1] = digit
    return "".join(out)


def render_phone(
    e164: str, style: str, rng: random.Random, filler: str, call_word: str
) -> Rendered:
    """Write `e164` in `style`; `filler` is the words of a split number, `call_word` a link text."""
    cc, national = split_e164(e164)
    groups = _groups(national)
    dk = cc == "45"
    lead = "" if dk else f"+{cc} "
    if style == "plain":
        forms = [f"+{cc} {' '.join(groups)}", f"+{cc}{national}"]
        text = rng.choice([*forms, national, " ".join(groups)] if dk else forms)
    elif style == "spaced":
        text = lead + " ".join(national)
    elif style in ("dotted", "dashed"):
        sep = "." if style == "dotted" else "-"
        text = sep.join(groups) if dk else f"+{cc}{sep}{sep.join(groups)}"
    elif style == "prefix_0045":
        text = f"00{cc} {national}"
    elif style == "prefix_paren":
        text = f"(+{cc}) {' '.join(groups)}"
    elif style in _WORDS:
        text = " ".join(_WORDS[style][int(d)] for d in national)
    elif style in _GLUED:
        words = _WORDS[_GLUED[style]]
        text = lead + (" " if rng.random() < 0.7 else "").join(
            _glued(g, words, rng) for g in _halves(national)
        )
    elif style == "plus_detached":
        text = "+ " + " ".join(cc + national)
    elif style == "no_plus":
        text = rng.choice((cc + national, f"{cc} {' '.join(groups)}"))
    elif style == "lookalike":
        swap = {"0": ("O", "o"), "1": ("l", "I")}
        text = lead + " ".join(
            "".join(rng.choice(swap[d]) if d in swap else d for d in g) for g in groups
        )
    elif style == "keycap":
        text = ("+" + "".join(d + _KEYCAP for d in cc) + " " if not dk else "") + "".join(
            d + _KEYCAP for d in national
        )
    elif style == "fullwidth":
        text = "".join(
            chr(0xFF10 + int(c)) if c.isdigit() else "＋" for c in lead.strip() + national
        )
    elif style == "split":
        half = len(groups) // 2 or 1
        text = f"{lead}{' '.join(groups[:half])} ... {filler} ... {' '.join(groups[half:])}"
    elif style == "zero_width":
        text = lead + rng.choice(("\u200b", "\u200c", "\u2060")).join(groups)
    elif style == "html_entity":
        text = lead + " ".join(groups)
        entities = "".join(f"&#{ord(c)};" if c.isdigit() else escape(c) for c in text)
        return Rendered(text, entities)
    elif style == "tel_link":
        return Rendered(call_word, f'<a href="tel:{e164}">{escape(call_word)}</a>')
    elif style == "wa_link":
        url = f"https://wa.me/{cc}{national}"
        return Rendered(url, f'<a href="{url}">{url}</a>')
    else:
        raise ValueError(f"unknown phone style: {style}")
    return Rendered(text, escape(text))


def partial_phone(shown: str) -> str:
    """The teaser a site shows before "show number": the first half, then dots."""
    keep = max(2, len(shown) // 2)
    return shown[:keep] + "".join("." if c.isalnum() else c for c in shown[keep:])


def render_email(user: str, domain: str, obfuscated: bool, rng: random.Random) -> Rendered:
    """Write an e-mail plainly or as `user (at) example dot dk`."""
    if not obfuscated:
        text = f"{user}@{domain}"
    else:
        at, dot = rng.choice((("(at)", "dot"), ("[at]", "[dot]"), ("snabel-a", "punktum")))
        text = f"{user} {at} {domain.replace('.', f' {dot} ')}"
    return Rendered(text, escape(text))


def render_telegram(handle: str, rng: random.Random) -> tuple[str, Rendered]:
    """Write a Telegram handle as a t.me link or as @handle; returns (style, rendering)."""
    if rng.random() < 0.6:
        url = f"https://t.me/{handle}"
        return "t_me", Rendered(f"t.me/{handle}", f'<a href="{url}">t.me/{handle}</a>')
    return "at_handle", Rendered(f"Telegram @{handle}", escape(f"Telegram @{handle}"))
