"""The one regex check for data files: which patterns pass, in lenient and strict (text) mode."""

from __future__ import annotations

import re

import pytest

from pipeline.core.saferegex import MAX_PATTERN_LENGTH, UnsafeRegex, check_regex

# (pattern, strict, safe): every data file's regexes go through this one check.
CASES = [
    # what site files and token patterns may use
    (r"/ad/([A-Za-z0-9_-]+)", False, True),
    (r"\d+", False, True),
    ("(a|a)*b", False, True),
    ("(a+)?b", False, True),
    ("a{1,3}b?", True, True),
    ("สาวน้อย|วัยรุ่น", True, True),
    # nested quantifiers, at any depth and through any kind of group
    ("(a+)+b", False, False),
    ("(a*)*", False, False),
    ("(x|y+){2,}", False, False),
    ("((a+)b)+", False, False),
    ("(?:(?>a+))+", False, False),
    ("(x+x+)+y", True, False),
    # backreferences and lookarounds
    (r"(a)\1", False, False),
    ("(?P<x>a)(?P=x)", False, False),
    ("(?=a)b", False, False),
    ("(?<!a)b", False, False),
    ("(a)?(?(1)b|c)", False, False),
    # strict (whole advert text): bounded repeats of single characters, at most two
    ("a+", True, False),
    ("a.*b", True, False),
    ("a{1,11}", True, False),
    ("(ab){3}", True, False),
    ("a?b?c?", True, False),
    # neither long nor broken
    ("a" * (MAX_PATTERN_LENGTH + 1), False, False),
    ("(unclosed", False, False),
]


@pytest.mark.parametrize(("pattern", "strict", "safe"), CASES)
def test_saferegex_table(pattern: str, strict: bool, safe: bool) -> None:
    if safe:
        assert isinstance(check_regex(pattern, strict), re.Pattern)
    else:
        with pytest.raises(UnsafeRegex):
            check_regex(pattern, strict)


def test_saferegex_returns_the_compiled_pattern() -> None:
    match = check_regex(r"/ad/([A-Za-z0-9_-]+)").search("https://x.test/ad/ab-12?p=1")
    assert match is not None and match.group(1) == "ab-12"


def test_saferegex_message_names_pattern_and_reason() -> None:
    with pytest.raises(UnsafeRegex, match=r"regex '\(a\+\)\+b': nested quantifiers"):
        check_regex("(a+)+b")
    with pytest.raises(UnsafeRegex, match=f"longer than {MAX_PATTERN_LENGTH} characters"):
        check_regex("a" * (MAX_PATTERN_LENGTH + 1))
