"""Undo the tricks adverts use to hide numbers from scrapers, keeping a way back to the source."""

from __future__ import annotations

import html
import re
import unicodedata
from itertools import islice

from nlp.contacts.numberwords import NumberWords, glued_edits, number_edits
from nlp.contacts.rewrite import Edit, Layer

_ZERO_WIDTH = (
    "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi embeddings, isolates
)
_HIDDEN_RE = re.compile(
    rf"[{_ZERO_WIDTH}]+"
    r"|&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};|&[a-zA-Z][a-zA-Z0-9]{1,31};"
    r"|<[a-zA-Z/!][^<>]{0,500}>"
)
_ZERO_WIDTH_RE = re.compile(rf"[{_ZERO_WIDTH}]")


def _digit_chars() -> str:
    """Non-decimal characters that still carry a digit value (superscripts, circled digits)."""
    blocks = [(0xB2, 0xBA), (0x2070, 0x208A), (0x2460, 0x24FF), (0x2776, 0x2794)]
    blocks.append((0x1F100, 0x1F10B))
    chars = [
        chr(cp)
        for lo, hi in blocks
        for cp in range(lo, hi)
        if unicodedata.digit(chr(cp), None) is not None and not chr(cp).isdecimal()
    ]
    return "".join(chars)


# Full-width and small plus signs: "＋４０…" is an international number like "+40…".
_PLUS = "[\uff0b\ufe62\u207a]"
# Keycap emoji (digit + optional variation selector + combining keycap), other-script decimal
# digits (\d is Unicode-aware; the lookahead leaves ASCII alone) and digit-valued symbols.
_DIGIT_CHARS = _digit_chars()
_UNICODE_DIGIT_RE = re.compile(rf"[0-9]\ufe0f?\u20e3|(?![0-9])\d|[{_DIGIT_CHARS}]|{_PLUS}")
# Cheap first look: every alternative above needs a character outside ASCII, the Latin letters
# of European languages, Greek, Cyrillic, Thai letters (not its digits) and general
# punctuation, where adverts have nearly all their characters.
_UNUSUAL_RE = re.compile(
    r"[^\x00-\x7f\u00c0-\u017f\u0370-\u04ff\u0e00-\u0e4f\u0e5a-\u0e7f\u2000-\u206f]"
)
_ODD_DIGITS = frozenset(f"\u20e3{_DIGIT_CHARS}{_PLUS[1:-1]}")

_LOOKALIKES = {
    "O": "0", "o": "0", "Q": "0", "I": "1", "l": "1", "Z": "2", "z": "2", "E": "3", "A": "4",
    "S": "5", "s": "5", "G": "6", "b": "6", "T": "7", "B": "8", "g": "9", "q": "9",
}  # fmt: skip
_L = "".join(_LOOKALIKES)
# Possessive loops and a token-start lookbehind keep this linear on hostile input.
_LOOKALIKE_RE = re.compile(rf"(?<!\w)(?:[{_L}]*+[0-9]++)++[{_L}]*+(?!\w)")
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)
_WORD_CHARS_REVERSED_RE = re.compile(r"\w*")
# Cheap first look: such a token has a look-alike letter right before or after a digit.
_LOOKALIKE_NEXT_TO_DIGIT_RE = re.compile(rf"[0-9](?:(?<=[{_L}][0-9])|(?=[{_L}]))")
# A group of letters only ("62 oo", "6l 55 IO 36") is read as digits only among digit groups
# (two groups with a real digit nearby), and only with the letters that people use for 0 and 1.
_LETTER_GROUP = r"[OoIl]{1,4}"
_MIXED_GROUP = rf"(?:[{_L}]*+[0-9]++)++[{_L}]*+"
_ANY_GROUP = rf"(?:{_MIXED_GROUP}|{_LETTER_GROUP})"
_LETTER_RUN_RE = re.compile(rf"(?<!\w){_ANY_GROUP}(?:[ .-]{{1,2}}+{_ANY_GROUP})++(?!\w)")
_GROUP_RE = re.compile(r"[^ .-]+")
# Cheap first look: a letter group next to a group with a digit (most texts have none).
# (For a search only: the first character is taken, then each alternative checks it looking
# back, so that re scans for [OoIl0-9] in C.)
_LETTERS_BY_DIGITS_RE = re.compile(
    rf"[OoIl0-9](?:(?<=[OoIl])(?<!\w.)[OoIl]{{0,3}}[ .-]{{1,2}}[{_L}]*[0-9]"
    rf"|(?<=[0-9])[{_L}]*[ .-]{{1,2}}{_LETTER_GROUP}(?!\w))"
)

# What may stand between the pieces of a number spelled in words, digits included.
_RUN_GAP_RE = re.compile(r"[\s.\-/;*_]*+(?:[0-9]++[\s.\-/;*_]*+)*+")
_DIGITS_BEFORE_RE = re.compile(r"(?:[0-9]++[\s.\-/]{0,3}+){1,8}$")
_DIGITS_AFTER_RE = re.compile(r"(?:[\s.\-/]{0,3}+[0-9]++){1,8}")
MIN_SPELLED_DIGITS = 6
# Real adverts have a few hundred tokens; hostile 2 MB texts stop being rewritten past this.
MAX_EDITS = 2000


def hidden_layer(text: str) -> Layer:
    """Drop zero-width characters and markup, decode HTML entities (tag ``hidden_chars``)."""
    if "&" not in text and "<" not in text and not _ZERO_WIDTH_RE.search(text):
        return Layer(text)  # nothing _HIDDEN_RE could match, found without trying each place
    edits: list[Edit] = []
    for m in islice(_HIDDEN_RE.finditer(text), MAX_EDITS):
        token = m.group()
        if token[0] == "<":
            edits.append(Edit(m.start(), m.end(), " ", "hidden_chars"))
            continue
        decoded = html.unescape(token) if token[0] == "&" else token
        if token[0] == "&" and decoded == token:
            continue  # an unknown entity stays as it is
        edits.append(Edit(m.start(), m.end(), _ZERO_WIDTH_RE.sub("", decoded), "hidden_chars"))
    return Layer(text, edits)


def _unicode_edits(text: str) -> list[Edit]:
    unusual = _UNUSUAL_RE.findall(text)
    if not any(char in _ODD_DIGITS or char.isdecimal() for char in unusual):
        return []  # no keycap, odd digit or plus sign: _UNICODE_DIGIT_RE cannot match
    edits = []
    for m in islice(_UNICODE_DIGIT_RE.finditer(text), MAX_EDITS):
        if re.fullmatch(_PLUS, m.group()):
            edits.append(Edit(m.start(), m.end(), "+", "unicode"))
            continue
        value = unicodedata.digit(m.group()[0], None)
        if value is not None:
            edits.append(Edit(m.start(), m.end(), str(value), "unicode"))
    return edits


def _lookalike_edits(text: str) -> list[Edit]:
    first = _LOOKALIKE_NEXT_TO_DIGIT_RE.search(text)
    if first is None:
        return []  # an edit needs a token of digits and look-alike letters, so both side by side
    # Tokens before the first such pair make no edit: the scan starts at its token (in texts
    # short enough that the cap on tokens read cannot be reached before it).
    start = _word_start(text, first.start()) if len(text) < 2 * MAX_EDITS else 0
    edits = []
    for m in islice(_LOOKALIKE_RE.finditer(text, start), MAX_EDITS):
        token = m.group()
        digits = sum(c.isdigit() for c in token)
        # a few letters among digits ("2O l2"), not a word with a digit in it
        if digits < len(token) and len(token) - digits <= digits + 1:
            edits.append(Edit(m.start(), m.end(), token.translate(_LOOKALIKE_TABLE), "lookalike"))
    return edits


def _word_start(text: str, at: int) -> int:
    """Where the run of word characters holding ``text[at]`` starts."""
    return at + 1 - len(_WORD_CHARS_REVERSED_RE.match(text[at::-1]).group())  # type: ignore[union-attr]


def _letter_group_edits(text: str) -> list[Edit]:
    """Letter-only groups inside a run of digit groups ("5O 49 62 oo" -> "...62 00")."""
    if not _LETTERS_BY_DIGITS_RE.search(text):
        return []
    edits = []
    for m in islice(_LETTER_RUN_RE.finditer(text), MAX_EDITS):
        groups = list(_GROUP_RE.finditer(m.group()))
        with_digits = sum(any(c.isdigit() for c in g.group()) for g in groups)
        letters_only = [g for g in groups if not any(c.isdigit() for c in g.group())]
        if with_digits < 2 or not letters_only or len(letters_only) > with_digits:
            continue
        for g in letters_only:
            start, end = m.start() + g.start(), m.start() + g.end()
            edits.append(Edit(start, end, g.group().translate(_LOOKALIKE_TABLE), "lookalike"))
    return edits


def _spelled_number_edits(text: str, words: NumberWords) -> list[Edit]:
    """Number words, kept only where they form a run long enough to be a phone number."""
    edits = number_edits(text, words, MAX_EDITS)
    glued = glued_edits(text, words, MAX_EDITS)
    if glued:
        edits = sorted(edits + glued, key=lambda e: e.start)
    kept: list[Edit] = []
    run: list[Edit] = []
    gap_digits = 0
    for edit in [*edits, None]:
        if edit is not None and run and _RUN_GAP_RE.fullmatch(text, run[-1].end, edit.start):
            gap_digits += sum(c.isdigit() for c in text[run[-1].end : edit.start])
            run.append(edit)
            continue
        if run:
            digits = gap_digits + sum(len(e.text.strip()) for e in run)
            before = _DIGITS_BEFORE_RE.search(text, max(0, run[0].start - 40), run[0].start)
            after = _DIGITS_AFTER_RE.match(text, run[-1].end)
            digits += sum(c.isdigit() for m in (before, after) if m for c in m.group())
            # a glued token ("2otte3fire5seks1nul") mixes digits and words: enough on its own
            alone = len(run) == 1 and len(run[0].text) >= MIN_SPELLED_DIGITS and run[0] in glued
            if digits >= MIN_SPELLED_DIGITS and (len(run) >= 2 or before or after or alone):
                kept.extend(run)
        run, gap_digits = ([edit] if edit is not None else []), 0
    return kept


def digit_layer(text: str, words: NumberWords) -> Layer:
    """Turn keycaps, other-script digits, lookalike letters and number words into ASCII digits."""
    edits = _unicode_edits(text) if not text.isascii() else []
    edits += _lookalike_edits(text)
    edits += _letter_group_edits(text)
    edits += _spelled_number_edits(text, words)
    return Layer(text, edits)
