"""Fast regex scans of advert text: a lower-case view and word lists as tries.

A lower-case copy of a text, character for character, in which regexes written in lower case
find without ``re.IGNORECASE`` (two to four times faster) what their IGNORECASE forms find:
``re.IGNORECASE`` compares characters by their simple lower case, and also treats a few as one
("s" and the long "ſ", "σ" and "ς", "i" and "ı", ...: ``re._casefix``). The view maps every
character to that lower case, then to the first character of its class; its offsets are the
text's. A pattern compiled with ``lowercase_pattern`` must spell literals that way (checked by
``check_lowercase``), and its matches' text is taken from the original text by offsets.
"""

from __future__ import annotations

import re
import re._casefix as casefix
import re._constants as sre_constants
import re._parser as sre_parse
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

# Every character with a lower case lies below this (U+1E921, Adlam, in Unicode 15).
_CASED_BELOW = 0x1E922
PATTERNS: list[re.Pattern[str]] = []  # compiled by lowercase_pattern, for check_lowercase


def _simple_lower(char: str) -> str:
    # str.lower() gives "İ" two characters, "i" and a dot; re uses the one-character mapping
    return char.lower()[0]


@cache
def _first_of_class() -> dict[str, str]:
    """Characters re treats as one (beyond lower case), each mapped to its class's first."""
    classes: dict[str, set[str]] = {}
    for code, others in casefix._EXTRA_CASES.items():
        members = {chr(code), *map(chr, others)}
        for member in list(members):
            members |= classes.get(member, set())
        for member in members:
            classes[member] = members
    return {char: min(members) for char, members in classes.items() if min(members) != char}


@cache
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """The view's mapping, and the characters where ``str.lower`` alone would differ from it."""
    first = _first_of_class()
    table: dict[int, str] = {}
    special = []
    for code in range(_CASED_BELOW):
        char = chr(code)
        lowered = _simple_lower(char)
        viewed = first.get(lowered, lowered)
        if viewed != char:
            table[code] = viewed
        if viewed != char.lower():
            special.append(re.escape(char))
    # "Σ" lowers to "σ" or, at a word's end, "ς"; both view as one, so it is special too
    return table, re.compile("[" + "".join(special) + "]")


# The pipeline runs its components over a batch of adverts in turn (256 by default), and each
# asks for the views of all of them: the cache holds a batch's worth of advert-sized texts.
VIEW_CACHE_SIZE, VIEW_CACHE_MAX_CHARS = 1024, 4000


def lower_view(text: str) -> str:
    """``text`` in lower case, offset for offset, as ``re.IGNORECASE`` compares characters."""
    if len(text) > VIEW_CACHE_MAX_CHARS:
        return _cached_long_view(text)  # long (broken or hostile) texts: only the last few
    return _cached_view(text)


def _view(text: str) -> str:
    table, special = _tables()
    if special.search(text) is None:
        return text.lower()  # the common case: plain lower case is the view
    return text.translate(table)


_cached_view = lru_cache(maxsize=VIEW_CACHE_SIZE)(_view)
_cached_long_view = lru_cache(maxsize=4)(_view)


def trie_regex(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored as a trie so each position costs O(length).

    Longer words win: at a word that is also the start of a longer one, the longer is tried
    first (the optional rest is greedy), as an alternation sorted longest first would.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + render(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    # the lookahead lets every position whose character starts no word fail at once
    first = "".join(sorted({re.escape(c) for c in trie}))
    return f"(?=[{first}]){render(trie)}" if trie else "(?!)"


def words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Any of ``words`` (in the view's lower case) as a whole word, for ``lower_view`` text."""
    return lowercase_pattern(r"(?<!\w)(?:" + trie_regex(map(lower_view, words)) + r")(?!\w)")


def lowercase_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern for ``lower_view`` text: literals in lower case, no IGNORECASE."""
    if flags & re.IGNORECASE:
        raise ValueError("a pattern for the lower-case view needs no IGNORECASE")
    pattern = re.compile(source, flags)
    PATTERNS.append(pattern)
    return pattern


def _subpatterns(arg: object) -> Iterator[sre_parse.SubPattern]:
    if isinstance(arg, sre_parse.SubPattern):
        yield arg
    elif isinstance(arg, tuple | list):
        for part in arg:
            yield from _subpatterns(part)


def _literals(items: sre_parse.SubPattern) -> Iterator[int]:
    """Every literal character and range end of a parsed pattern, nested parts included."""
    for op, arg in items:
        if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
            yield arg
        elif op == sre_constants.IN:
            for kind, value in arg:
                if kind == sre_constants.LITERAL:
                    yield value
                elif kind == sre_constants.RANGE:
                    yield from value
        else:
            for part in _subpatterns(arg):
                yield from _literals(part)


def check_lowercase(pattern: re.Pattern[str]) -> list[str]:
    """Literals of ``pattern`` that the view never contains (upper case, "ſ", ...)."""
    table = _tables()[0]
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    return [chr(code) for code in _literals(parsed) if code in table]
