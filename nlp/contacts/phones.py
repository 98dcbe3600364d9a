"""Phone numbers in a de-obfuscated text: digit runs, context filters, windows and split numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice, pairwise

from phonenumbers import PhoneNumber

from nlp.contacts.numberwords import NumberWords
from nlp.contacts.phonecheck import MAX_DIGITS, PERSONAL_TYPES, PhoneChecker, is_plain_grouping

# Separators people put between digit groups; ":" and "," stay out so times and lists do not join.
_SEP = r"[\s.\-/;*_()\[\]~]"
_RUN_RE = re.compile(rf"\+?[0-9]++(?:{_SEP}{{1,4}}+\+?\s?[0-9]++)*+")
_CHUNK_RE = re.compile(r"(\+)?\s?([0-9]+)")
# Dates, time ranges and price ranges look like digit groups but are never phones.
_BLOCK_RE = re.compile(
    r"(?<![0-9])(?<![0-9][./-])(?:[0-3]?[0-9][./-][01]?[0-9][./-](?:19|20)?[0-9]{2}"
    r"|(?:19|20)[0-9]{2}[./-][01]?[0-9][./-][0-3]?[0-9]"
    r"|[0-2]?[0-9][.:][0-5][0-9]\s?[-/]\s?[0-2]?[0-9][.:][0-5][0-9]"
    r"|[0-9]{1,3}\.[0-9]{3}\s?[-/]\s?[0-9]{1,3}\.[0-9]{3})(?![0-9])"
    # a fourth group ("28.04.81.37") makes it a number written in pairs, not a date
    r"(?![./-][0-9])"
)
_WORD_BEFORE_RE = re.compile(r"([^\W\d_]+)[\s:.#=-]{0,3}$")
_WORD_AFTER_RE = re.compile(r"\s{0,2}([^\W\d_]+|,-|%|€|\$)")
_SYMBOLS_AFTER = frozenset({",-", "%", "€", "$"})
_GAP_WORDS_RE = re.compile(r"[^\W\d_]+")
SPLIT_MAX_GAP, SPLIT_MAX_WORDS = 40, 5
# A run of digits and separators this long is a table or junk, not a phone number.
MAX_RUN_CHARS = 400
# Adverts hold a few dozen digit runs; a hostile text is read only this far.
MAX_RUNS = 1000


@dataclass(frozen=True, slots=True)
class Chunk:
    """One group of digits; ``start`` includes a leading "+"."""

    digits: str
    start: int
    end: int
    plus: bool


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """A valid number found at ``[start, end)`` of the searched text."""

    start: int
    end: int
    number: PhoneNumber
    type_name: str
    style: str  # "plain" | "reformatted" | "split"


def _pieces(text: str, words: NumberWords, masked: list[tuple[int, int]]) -> list[list[Chunk]]:
    """Digit runs cut into pieces at dates, times, prices and masked spans."""
    blocked = [m.span() for m in islice(_BLOCK_RE.finditer(text), MAX_RUNS)] + masked
    pieces: list[list[Chunk]] = []
    for run in islice(_RUN_RE.finditer(text), MAX_RUNS):
        if run.end() - run.start() > MAX_RUN_CHARS:
            continue
        chunks = [
            Chunk(m.group(2), m.start(), m.end(), m.group(1) is not None)
            for m in _CHUNK_RE.finditer(text, run.start(), run.end())
        ]
        after = _WORD_AFTER_RE.match(text, run.end())
        unit = after.group(1).lower() if after else ""
        if (unit in words.not_phone_after or unit in _SYMBOLS_AFTER) and not chunks[0].plus:
            continue  # "2.500/3.500 kr", "23 år", "1.500,-"
        before = _WORD_BEFORE_RE.search(text, max(0, run.start() - 24), run.start())
        if before and before.group(1).lower() in words.not_phone_before:
            chunks = chunks[1:]  # "kl 18 34 56": the time goes, the rest may be a piece
        piece: list[Chunk] = []
        for chunk in chunks:
            if any(s < chunk.end and chunk.start < e for s, e in blocked):
                if piece:
                    pieces.append(piece)
                piece = []
            else:
                piece.append(chunk)
        if piece:
            pieces.append(piece)
    return pieces


def _hit(text: str, chunks: list[Chunk], found: tuple, style: str | None = None) -> PhoneHit:
    number, type_name, unusual = found
    if style is None:
        seps = [text[a.end : b.start] for a, b in pairwise(chunks)]
        groups = [c.digits for c in chunks]
        plain = not unusual and is_plain_grouping(groups, seps, chunks[0].plus, number)
        style = "plain" if plain else "reformatted"
    return PhoneHit(chunks[0].start, chunks[-1].end, number, type_name, style)


def _windows(text: str, piece: list[Chunk], checker: PhoneChecker) -> list[PhoneHit]:
    """Longest valid number starting at each chunk, left to right, without overlaps."""
    hits: list[PhoneHit] = []
    i = 0
    while i < len(piece) and checker.budget > 0:
        best: tuple[int, tuple] | None = None
        digits = ""
        for j in range(i, len(piece)):
            if j > i and piece[j].plus:
                break  # a "+" starts the next number
            digits += piece[j].digits
            if len(digits) > MAX_DIGITS:
                break
            found = checker.check(digits, piece[i].plus)
            if found is not None:
                best = (j, found)
        if best is None:
            i += 1
            continue
        hits.append(_hit(text, piece[i : best[0] + 1], best[1]))
        i = best[0] + 1
    return hits


def _split_hit(text: str, a: list[Chunk], b: list[Chunk], checker: PhoneChecker) -> PhoneHit | None:
    """A number written in two pieces with words between ("20 12 ring efter kl 18 34 56")."""
    gap = text[a[-1].end : b[0].start]
    if len(gap) > SPLIT_MAX_GAP or len(_GAP_WORDS_RE.findall(gap)) > SPLIT_MAX_WORDS:
        return None
    for k in range(len(a)):  # use as much of both pieces as possible
        for m in range(len(b), 0, -1):
            chunks = a[k:] + b[:m]
            if any(c.plus for c in chunks[1:]):
                continue
            found = checker.check("".join(c.digits for c in chunks), chunks[0].plus)
            if found is not None and found[1] in PERSONAL_TYPES:
                return _hit(text, chunks, found, "split")
    return None


def find_phone_hits(
    text: str,
    words: NumberWords,
    checker: PhoneChecker,
    masked: list[tuple[int, int]],
    allow_split: bool = True,
) -> list[PhoneHit]:
    """All valid numbers in ``text``; split numbers only when nothing else is found."""
    pieces = _pieces(text, words, masked)
    hits: list[PhoneHit] = []
    for piece in pieces:
        hits.extend(_windows(text, piece, checker))
    if hits or not allow_split:
        return hits
    leftovers = [p for p in pieces if sum(len(c.digits) for c in p) >= 2]
    i = 0
    while i + 1 < len(leftovers) and checker.budget > 0:
        hit = _split_hit(text, leftovers[i], leftovers[i + 1], checker)
        if hit is not None:
            hits.append(hit)
            i += 2
        else:
            i += 1
    return hits
