"""Regexes from data files, restricted so that they cannot backtrack catastrophically."""

from __future__ import annotations

import re

MAX_PATTERN_LENGTH = 200
# A quantified group that itself contains a quantifier: (a+)+, (\w*)*, (x|y+){2,}
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)\s*[*+{]")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def check_safe_regex(pattern: str) -> re.Pattern[str]:
    """Compile a pattern from a data file, refusing the shapes that backtrack exponentially."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"regex longer than {MAX_PATTERN_LENGTH} characters")
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValueError(
            "regex has a quantified group containing a quantifier (can backtrack "
            "catastrophically); rewrite it without nesting"
        )
    if _BACKREFERENCE.search(pattern):
        raise ValueError("regex back-references are not allowed")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex: {exc}") from exc
