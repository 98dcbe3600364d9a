"""The one check for regexes written in data files: refuse any that could backtrack badly."""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator

MAX_PATTERN_LENGTH = 200
MAX_TEXT_REPEAT = 10  # per-advert regexes scan up to 100k chars, so each match attempt is capped
# Each unbounded repeat multiplies the work of a failing search by the input length: two
# make it cubic, which callers keep harmless by capping the input (spiders.extract).
MAX_UNBOUNDED = 2

_SINGLE_CHAR = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN,
                sre_constants.ANY, sre_constants.CATEGORY}  # fmt: skip
_REFUSED = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS, sre_constants.ASSERT,
            sre_constants.ASSERT_NOT}  # fmt: skip
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


class UnsafeRegex(ValueError):
    """A regex could backtrack badly or does not compile, so it is refused.

    A ValueError, so that pydantic reports it as a problem of the field that holds the regex.
    """


def _walk(items: Any, strict: bool, counter: list[int], inside_repeat: bool) -> None:
    for op, arg in items:
        if op in _REFUSED:
            raise UnsafeRegex("backreferences and lookarounds are not allowed")
        if op in _REPEATS:
            _low, high, sub = arg
            counter[0] += 1
            counter[1] += high == sre_constants.MAXREPEAT
            if inside_repeat:
                raise UnsafeRegex("nested quantifiers are not allowed")
            if strict and (high == sre_constants.MAXREPEAT or high > MAX_TEXT_REPEAT):
                raise UnsafeRegex(
                    f"text regexes allow only bounded repeats up to {MAX_TEXT_REPEAT}"
                )
            if strict and high > 1 and not all(o in _SINGLE_CHAR for o, _ in sub):
                raise UnsafeRegex("text regexes may repeat single characters only")
            _walk(sub, strict, counter, inside_repeat=high > 1)
        elif op == sre_constants.SUBPATTERN:
            _walk(arg[-1], strict, counter, inside_repeat)
        elif op == sre_constants.ATOMIC_GROUP:
            _walk(arg, strict, counter, inside_repeat)
        elif op == sre_constants.BRANCH:
            if inside_repeat and _uneven(arg[1]):
                # (a|aa)*: one text splits into the alternatives in exponentially many ways
                raise UnsafeRegex("alternatives of different lengths under a repeat")
            for branch in arg[1]:
                _walk(branch, strict, counter, inside_repeat)


def _uneven(branches: list[Any]) -> bool:
    """Whether alternatives can match texts of different lengths (or of varying length)."""
    widths = {sre_parse.SubPattern(sre_parse.State(), branch).getwidth() for branch in branches}
    return len(widths) > 1 or any(low != high for low, high in widths)


@lru_cache(maxsize=1024)
def check_regex(pattern: str, strict: bool = False) -> re.Pattern[str]:
    """Compile a regex from a data file, refusing the shapes that can backtrack catastrophically.

    Always refused: patterns over MAX_PATTERN_LENGTH characters, nested quantifiers,
    alternatives of different lengths under a repeat (``(a|aa)*``), more than MAX_UNBOUNDED
    unbounded repeats (``.*a.*a.*a``), backreferences and lookarounds. ``strict`` is for
    regexes run over a whole advert text (rule files' ``regex:``): only bounded repeats of
    single characters, at most two of them.
    Cached, so callers that apply a pattern per item pay for the check once.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegex(f"regex longer than {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UnsafeRegex(f"regex {pattern!r} does not compile: {exc}") from exc
    counter = [0, 0]  # quantifiers, unbounded ones
    try:
        _walk(parsed, strict, counter, inside_repeat=False)
    except UnsafeRegex as exc:
        raise UnsafeRegex(f"regex {pattern!r}: {exc}") from exc
    if counter[1] > MAX_UNBOUNDED:
        raise UnsafeRegex(
            f"regex {pattern!r}: more than {MAX_UNBOUNDED} unbounded repeats (*, +, {{n,}}) "
            "can backtrack polynomially"
        )
    if strict and counter[0] > 2:
        raise UnsafeRegex(f"regex {pattern!r}: text regexes allow at most 2 quantifiers")
    return compiled


def _checked(strict: bool) -> AfterValidator:
    def check(pattern: str) -> str:
        check_regex(pattern, strict)
        return pattern

    return AfterValidator(check)


# Field types for data-file models: a regex string that passed the check.
SafeRegex = Annotated[str, _checked(strict=False)]
TextRegex = Annotated[str, _checked(strict=True)]
