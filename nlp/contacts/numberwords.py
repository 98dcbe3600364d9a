"""Number words to digits, driven by the per-language data files ``nlp/lang/<xx>/numbers.yaml``."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from nlp.contacts.rewrite import Edit
from nlp.textscan import lower_view, lowercase_pattern, trie_regex
from pipeline.core.datafiles import read_yaml

LANG_DIR = Path(__file__).resolve().parent.parent / "lang"


@dataclass(frozen=True, slots=True)
class NumberWords:
    """Number words of some languages merged: value per word plus the context word lists."""

    values: dict[str, int]  # word (in lower_view) -> 0..99 (first language listed wins a clash)
    by_language: dict[str, dict[str, int]]  # the same per language, to settle clashes in a run
    ten_first: frozenset[str]  # tens that take a following unit ("thirty" + "four")
    joiner_words: frozenset[str]  # words allowed between such a ten and its unit ("y", "și")
    not_phone_before: frozenset[str]
    not_phone_after: frozenset[str]
    pattern: re.Pattern[str]
    glued: dict[str, int]  # digit words read inside a token of digits ("3fire5seks") -> 0..9
    # a digest of the files read: what was masked under other number words is not reused
    version: str


def available_languages() -> tuple[str, ...]:
    """Codes of the languages that have a ``numbers.yaml``."""
    return tuple(sorted(p.parent.name for p in LANG_DIR.glob("*/numbers.yaml")))


def _language_values(data: dict) -> tuple[dict[str, int], set[str]]:
    values: dict[str, int] = {}
    for key in ("digits", "teens", "tens", "extra"):
        values.update({lower_view(str(w)): int(v) for w, v in (data.get(key) or {}).items()})
    compound = data.get("compound") or {}
    units = {w: v for w, v in (data.get("digits") or {}).items() if 1 <= int(v) <= 9}
    tens = {lower_view(str(w)): int(v) for w, v in (data.get("tens") or {}).items()}
    for joiner in compound.get("joiners") or []:
        for unit, u in units.items():
            for ten, t in tens.items():
                glued = (
                    f"{unit}{joiner}{ten}"
                    if compound.get("order") == "unit_first"
                    else f"{ten}{joiner}{unit}"
                )
                values[lower_view(glued)] = t + int(u)
    ten_first = set(tens) if compound.get("order") == "ten_first" else set()
    return values, ten_first


@lru_cache(maxsize=16)
def load_number_words(languages: tuple[str, ...] | None = None) -> NumberWords:
    """Merge the number words of ``languages`` (all available ones when None)."""
    values: dict[str, int] = {}
    by_language: dict[str, dict[str, int]] = {}
    ten_first: set[str] = set()
    joiners: set[str] = set()
    before: set[str] = set()
    after: set[str] = set()
    glued: dict[str, int] = {}
    version = hashlib.sha256()
    for code in languages or available_languages():
        path = LANG_DIR / code / "numbers.yaml"
        if not path.is_file():
            raise ValueError(f"no number words for language {code!r} ({path})")
        raw = path.read_bytes()
        version.update(f"{code}\0{len(raw)}\0".encode() + raw)
        data = read_yaml(path) or {}
        lang_values, lang_ten_first = _language_values(data)
        by_language[code] = lang_values
        for word, value in lang_values.items():
            values.setdefault(word, value)
        ten_first |= lang_ten_first
        joiners |= {str(w).lower() for w in (data.get("compound") or {}).get("joiner_words") or []}
        before |= {str(w).lower() for w in data.get("not_phone_before") or []}
        after |= {str(w).lower() for w in data.get("not_phone_after") or []}
        if "glued" in data:  # languages whose digit words are also read glued to digits
            for word, value in {**(data.get("digits") or {}), **(data["glued"] or {})}.items():
                if 0 <= int(value) <= 9:
                    glued.setdefault(lower_view(str(word)), int(value))
    # matched in the lower-case view of a text: as IGNORECASE would, three times faster
    pattern = lowercase_pattern(r"\b" + trie_regex(values) + r"\b")
    return NumberWords(
        values,
        by_language,
        frozenset(ten_first),
        frozenset(joiners),
        frozenset(before),
        frozenset(after),
        pattern,
        glued,
        version.hexdigest()[:16],
    )


# A glued token longer than this is junk, not a phone number.
GLUED_MAX_CHARS = 60
# Cheap first look: a glued token has a digit right next to a letter.
_DIGIT_BY_LETTER_RE = re.compile(r"[0-9](?:(?<=[^\W\d_][0-9])|(?=[^\W\d_]))")


def _segment(token: str, glued: dict[str, int]) -> str | None:
    """The digits of a token made only of digits and digit words, None when it is not one."""
    longest = max(map(len, glued), default=1)
    best: list[str | None] = [None] * (len(token) + 1)
    best[0] = ""
    reached = 0  # the furthest position read so far: past it, nothing more can be read
    for i in range(len(token)):
        if i > reached:
            return None  # "odmm00": no digit or digit word at the start
        done = best[i]
        if done is None:
            continue
        if token[i].isdigit() and (best[i + 1] is None):
            best[i + 1] = done + token[i]
            reached = max(reached, i + 1)
        for k in range(2, min(longest, len(token) - i) + 1):
            value = glued.get(token[i : i + k])
            if value is not None and best[i + k] is None:
                best[i + k] = done + str(value)
                reached = max(reached, i + k)
    return best[-1]


def glued_edits(text: str, words: NumberWords, limit: int | None = None) -> list[Edit]:
    """One edit per token of digits and digit words run together ("2sixseven" -> "267").

    A token must hold a digit and a letter side by side; a glued token of words alone
    ("sixseven") is not read (it would need a scan of every word of every text).
    """
    if not words.glued:
        return []
    view = lower_view(text)
    first = _DIGIT_BY_LETTER_RE.search(view)
    if first is None:
        return []
    edits: list[Edit] = []
    end = 0
    for m in islice(_DIGIT_BY_LETTER_RE.finditer(view, first.start()), limit):
        if m.start() < end:
            continue  # inside the token just read
        end = _TOKEN_END_RE.match(view, m.start()).end()  # type: ignore[union-attr]
        # the token's start, looked for no further back than a token too long to read
        lo = max(0, end - GLUED_MAX_CHARS - 1)
        start = m.start() - len(_TOKEN_END_RE.match(view[lo : m.start()][::-1]).group())  # type: ignore[union-attr]
        if end - start >= GLUED_MAX_CHARS:
            continue
        digits = _segment(view[start:end], words.glued)
        if digits is not None:
            edits.append(Edit(start, end, digits, "words"))
    return edits


_BETWEEN_TEN_UNIT = re.compile(r"[\s-]{1,20}")
_SPACE_AFTER = re.compile(r"\s{2,20}")


def _run_values(words: NumberWords, run: list[re.Match[str]]) -> dict[str, int]:
    """Values for a run of number words in the language that knows most of them.

    "tres" is 60 in Danish and 3 in Spanish; "dos cero uno dos tres" is Spanish throughout.
    """
    best: dict[str, int] = words.values
    best_known = 0
    found = [m.group() for m in run]
    for table in words.by_language.values():
        known = sum(word in table for word in found)
        if known > best_known:
            best, best_known = table, known
    return best


def _runs(text: str, matches: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Group number words that follow each other with at most a short gap between."""
    runs: list[list[re.Match[str]]] = []
    for m in matches:
        if runs and m.start() - runs[-1][-1].end() <= 24:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def number_edits(text: str, words: NumberWords, limit: int | None = None) -> list[Edit]:
    """One edit per spelled number: a word, or a ten with its unit ("thirty four" -> "34").

    ``limit`` caps how many number words are read, so hostile texts cost bounded time.
    """
    edits: list[Edit] = []
    view = lower_view(text)  # matches carry the view's lower-case words
    for run in _runs(text, list(islice(words.pattern.finditer(view), limit))):
        # a lone word reads the same in every table that knows it: the merged one is enough
        values = _run_values(words, run) if len(run) > 1 else words.values
        i = 0
        while i < len(run):
            first = run[i]
            word = first.group()
            value, end, i = values.get(word, words.values[word]), first.end(), i + 1
            if word in words.ten_first and i < len(run):
                value, end, i = _join_unit(text, words, values, run, i, value, end)
            # whitespace after a spelled number shrinks to one space, as number parsers print it
            space = _SPACE_AFTER.match(text, end)
            if space:
                edits.append(Edit(first.start(), space.end(), f"{value} ", "words"))
            else:
                edits.append(Edit(first.start(), end, str(value), "words"))
    return edits


def _join_unit(
    text: str,
    words: NumberWords,
    values: dict[str, int],
    matches: list[re.Match[str]],
    i: int,
    value: int,
    end: int,
) -> tuple[int, int, int]:
    """Attach the unit after a ten ("thirty four", "treinta y cuatro"); returns value, end, i."""
    nxt = matches[i]
    gap = text[end : nxt.start()]
    gap_ok = _BETWEEN_TEN_UNIT.fullmatch(gap) is not None or (
        len(gap) <= 12 and gap.strip().lower() in words.joiner_words
    )
    word = nxt.group()
    unit = values.get(word, words.values[word])
    if gap_ok and 1 <= unit <= 9:
        return value + unit, nxt.end(), i + 1
    return value, end, i


_TOKEN_END_RE = re.compile(r"[^\W_]*")
