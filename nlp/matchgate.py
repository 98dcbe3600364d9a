"""Words a text must contain for spaCy token patterns to match, so the Matcher (a fifth of the
indicator component's time) runs only on the texts where one of its patterns may match."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nlp.textscan import lower_view

# Token quantifiers that make the token required (None: exactly once).
_REQUIRED_OPS = (None, "+", "1")


def _words(value: Any) -> list[str] | None:
    """The lower-case words a LOWER value accepts: a string or {"IN": [...]}."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"] and isinstance(value["IN"], list):
        return [str(word) for word in value["IN"]]
    return None


def needed_words(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """Words one of which a text's lower-case view holds wherever ``pattern`` matches; None
    when no required token names its words (the pattern may match any text).

    A required token with ``LOWER`` in a word list matches only a token whose lower case is one
    of them, and that token's text lies in the text; words the view spells differently
    (``lower_view(w) != w``: "σ", "ſ" ...) give no gate.
    """
    for token in pattern:
        words = _words(token.get("LOWER")) if token.get("OP") in _REQUIRED_OPS else None
        if words and all(lower_view(word) == word for word in words):
            return frozenset(words)
    return None


class MatcherGate:
    """Whether any of a Matcher's patterns may match a text, from the words they need."""

    def __init__(self, patterns: Iterable[list[dict[str, Any]]]) -> None:
        words: set[str] = set()
        self.words: frozenset[str] | None = None
        for pattern in patterns:
            needed = needed_words(pattern)
            if needed is None:  # a pattern that may match anything keeps the gate open
                return
            words |= needed
        self.words = frozenset(words)

    def open(self, text: str) -> bool:
        """False only when no pattern can match ``text``."""
        if self.words is None:
            return True
        view = lower_view(text)
        return any(word in view for word in self.words)
