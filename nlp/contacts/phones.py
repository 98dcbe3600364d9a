"""Phone numbers in a de-obfuscated text: digit runs, context filters, windows and split numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import NamedTuple

from phonenumbers import PhoneNumber

from nlp.contacts.numberwords import NumberWords
from nlp.contacts.phonecheck import (
    MAX_DIGITS,
    MIN_DIGITS,
    PERSONAL_TYPES,
    PhoneChecker,
    is_plain_grouping,
)

# Separators people put between digit groups; ":" and "," stay out so times and lists do not join.
_SEP = r"[\s.\-/;*_()\[\]~]"
# "+"? then digits, written to start with one character class, which re scans for in C; the
# "+" may stand apart from the digits ("+ 4 6 7 0 ...").
# The word or symbol right after a run is caught by the same match (group "unit"), so a run
# followed by "kr" or "år" goes without another regex call.
_RUN_RE = re.compile(
    rf"[+0-9](?:(?<=\+)[ \xa0]{{0,2}}[0-9]++|(?<=[0-9])[0-9]*+)(?:{_SEP}{{1,4}}+\+?\s?[0-9]++)*+"
    r"(?:(?=\s{0,2}(?P<unit>[^\W\d_]+|,-|%|€|\$)))?"
)
_CHUNK_RE = re.compile(r"(\+)?[ \xa0]{0,2}([0-9]+)")
# Dates, time ranges and price ranges look like digit groups but are never phones.
_BLOCK_RE = re.compile(
    # the lookahead first makes every non-digit position fail at once (8x faster)
    r"(?=[0-9])(?<![0-9])(?<![0-9][./-])(?:[0-3]?[0-9][./-][01]?[0-9][./-](?:19|20)?[0-9]{2}"
    r"|(?:19|20)[0-9]{2}[./-][01]?[0-9][./-][0-3]?[0-9]"
    r"|[0-2]?[0-9][.:][0-5][0-9]\s?[-/]\s?[0-2]?[0-9][.:][0-5][0-9]"
    r"|[0-9]{1,3}\.[0-9]{3}\s?[-/]\s?[0-9]{1,3}\.[0-9]{3}"
    # a day and month with the closing dot of an ordinal date ("fra 13.11."), then no digit
    r"|(?:[12][0-9]|3[01]|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?!\s?[0-9]))(?![0-9])"
    # a fourth group ("28.04.81.37") makes it a number written in pairs, not a date
    r"(?![./-][0-9])"
)
# What every span above holds (its first such triple starts at most BLOCK_LEAD after it).
_DIGIT_SEP_DIGIT_RE = re.compile(r"[0-9][./:-][0-9]")
BLOCK_LEAD = 3  # "2024-": the year before the first separator
# The word just before a digit run: "word, up to 3 separators, end" (and "$" also matches
# before a final newline), read as one match on the reversed text before the run instead of
# a search that tries every position.
_WORD_BEFORE_REVERSED_RE = re.compile(r"\n?[\s:.#=-]{0,3}([^\W\d_]+)")
WORD_BEFORE_REACH = 24
_SYMBOLS_AFTER = frozenset({",-", "%", "€", "$"})
_GAP_WORDS_RE = re.compile(r"[^\W\d_]+")
# A lone four- or five-digit group before a capitalised word is a post code ("6700 Esbjerg").
_POSTCODE_RE = re.compile(r"[0-9]{4,5}")
_CAPITALISED_AFTER_RE = re.compile(r" ([^\W\d_])")
SPLIT_MAX_GAP, SPLIT_MAX_WORDS = 40, 5
# Pieces of at most this many digits between the halves of a split number are times or counts.
SHORT_PIECE_DIGITS, SPLIT_MAX_SKIPPED = 2, 2
# A run of digits and separators this long is a table or junk, not a phone number.
MAX_RUN_CHARS = 400
# Adverts hold a few dozen digit runs; a hostile text is read only this far.
MAX_RUNS = 1000


class Chunk(NamedTuple):
    """One group of digits; ``start`` includes a leading "+".

    A named tuple, not a frozen dataclass: adverts make tens of thousands, and a frozen
    dataclass's __init__ costs three times as much.
    """

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
    blocked = _blocked(text) + masked
    pieces: list[list[Chunk]] = []
    for run in islice(_RUN_RE.finditer(text), MAX_RUNS):
        start, end = run.span()
        if end - start > MAX_RUN_CHARS:
            continue
        # Runs that are no phone go before their chunks are made ("2.500/3.500 kr", "23 år",
        # "1.500,-", "6700 Esbjerg"); a run starting with "+" has its first chunk marked.
        digits, unit = run.group(0, "unit")
        plus = digits[0] == "+"
        only_digits = not plus and digits.isdigit()
        if not plus:
            if unit is not None and (
                unit in _SYMBOLS_AFTER or unit.lower() in words.not_phone_after
            ):
                continue
            if only_digits and 4 <= len(digits) <= 5 and _is_postcode(text, digits, end):
                continue
        chunks = (
            [Chunk(digits, start, end, False)]  # digits only (the common run): one chunk
            if only_digits
            else [
                Chunk(m.group(2), m.start(), m.end(), m.group(1) is not None)
                for m in _CHUNK_RE.finditer(text, start, end)
            ]
        )
        before = _WORD_BEFORE_REVERSED_RE.match(
            text[max(0, start - WORD_BEFORE_REACH) : start][::-1]
        )
        if before and before.group(1)[::-1].lower() in words.not_phone_before:
            chunks = chunks[1:]  # "kl 18 34 56": the time goes, the rest may be a piece
        # the blocked spans this run touches (most runs touch none), checked chunk by chunk
        near = [(s, e) for s, e in blocked if s < end and start < e] if blocked else blocked
        if not near and len(chunks) == 1:
            pieces.append(chunks)
            continue
        piece: list[Chunk] = []
        for chunk in chunks:
            if near and any(s < chunk.end and chunk.start < e for s, e in near):
                if piece:
                    pieces.append(piece)
                piece = []
                continue
            if piece and ".." in text[piece[-1].end : chunk.start]:
                pieces.append(piece)  # "20 12 ... 34 56": an ellipsis parts the halves
                piece = []
            piece.append(chunk)
        if piece:
            pieces.append(piece)
    return pieces


def _blocked(text: str) -> list[tuple[int, int]]:
    """Spans of dates, time ranges and price ranges; each holds a digit, a separator and a
    digit ("8-2" in "18-22") no more than 3 characters after its start, so the scan starts
    there."""
    first = _DIGIT_SEP_DIGIT_RE.search(text)
    if first is None:
        return []
    found = _BLOCK_RE.finditer(text, max(0, first.start() - BLOCK_LEAD))
    return [m.span() for m in islice(found, MAX_RUNS)]


def _is_postcode(text: str, digits: str, end: int) -> bool:
    after = _CAPITALISED_AFTER_RE.match(text, end)
    return bool(_POSTCODE_RE.fullmatch(digits) and after and after.group(1).isupper())


def _hit(text: str, chunks: list[Chunk], found: tuple, style: str | None = None) -> PhoneHit:
    number, type_name, unusual = found
    if style is None:
        seps = [text[a.end : b.start] for a, b in pairwise(chunks)]
        groups = [c.digits for c in chunks]
        plain = not unusual and is_plain_grouping(groups, seps, chunks[0].plus, number)
        style = "plain" if plain else "reformatted"
    return PhoneHit(chunks[0].start, chunks[-1].end, number, type_name, style)


def _is_spaced_run(piece: list[Chunk]) -> bool:
    """Digits spaced out one by one ("4 6 7 0 1 2 ..."): one run, not groups of a number."""
    return len(piece) > 1 and all(len(c.digits) == 1 for c in piece)


def _windows(text: str, piece: list[Chunk], checker: PhoneChecker) -> list[PhoneHit]:
    """Longest valid number starting at each chunk, left to right, without overlaps.

    A piece without "+" longer than the region's numbers is first read whole as an
    international number without its "+"; a run of digits that long is never cut into a
    local number (that would invent a number belonging to nobody, or to someone else).
    """
    count = _digit_count(piece)
    if count < MIN_DIGITS and count <= checker.national_max:
        _spend_on_short(piece, checker)  # "23", "18-22": too short for any number
        return []
    if not piece[0].plus and count > checker.national_max:
        digits = "".join(c.digits for c in piece)
        found = checker.check_foreign(digits)
        if found is None and _is_spaced_run(piece):
            found = checker.check(digits, False)  # whole ("0 0 4 5 ...") or not at all
            if found is None:
                return []
        if found is not None:
            return [_hit(text, piece, found)]
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


def _spend_on_short(piece: list[Chunk], checker: PhoneChecker) -> None:
    """Charge the budget as the window loop in ``_windows`` would for a piece too short to
    hold a number (one check a window, every answer None), without making the checks."""
    i = 0
    while i < len(piece) and checker.budget > 0:
        j = i + 1
        while j < len(piece) and not piece[j].plus:
            j += 1  # a "+" starts the next number: the windows from i stop before it
        checker.budget -= j - i
        i += 1


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


def _digit_count(piece: list[Chunk]) -> int:
    return sum(len(c.digits) for c in piece)


def _stitch(
    text: str, pieces: list[list[Chunk]], found: list[list[PhoneHit]], checker: PhoneChecker
) -> list[list[PhoneHit]]:
    """Numbers written in two pieces, possibly with a time between ("61 38 ... efter 18 ... 15 62").

    An incomplete international piece ("+49 170 ...") is stitched even where the second half alone
    would pass as a local number; without a "+" only texts with no other number are stitched.
    """
    any_found = any(found)
    result = [list(hits) for hits in found]
    i = 0
    while i < len(pieces) and checker.budget > 0:
        first = pieces[i]
        plus = first[0].plus
        if result[i] or _digit_count(first) < 2 or (any_found and not plus):
            i += 1
            continue
        for j in range(i + 1, min(len(pieces), i + 1 + SPLIT_MAX_SKIPPED + 1)):
            second = pieces[j]
            if _digit_count(second) <= SHORT_PIECE_DIGITS:
                continue  # a time or a count between the halves
            if result[j] and not plus:
                break
            hit = _split_hit(text, first, second, checker)
            if hit is not None:
                result[i] = [hit]
                result[j] = [h for h in result[j] if h.start >= hit.end]
                i = j
            break
        i += 1
    return result


def find_phone_hits(
    text: str,
    words: NumberWords,
    checker: PhoneChecker,
    masked: list[tuple[int, int]],
    allow_split: bool = True,
) -> list[PhoneHit]:
    """All valid numbers in ``text``, including numbers split in two pieces (see ``_stitch``)."""
    pieces = _pieces(text, words, masked)
    found = [_windows(text, piece, checker) for piece in pieces]
    if allow_split:
        found = _stitch(text, pieces, found, checker)
    return [hit for hits in found for hit in hits]
