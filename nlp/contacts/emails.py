"""E-mail addresses, also when written to dodge scrapers ("navn (at) domæne dot dk")."""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

from nlp.contacts.rewrite import Edit, Layer
from nlp.textscan import lower_view, lowercase_pattern

# "[at]", "(dot)", "_at_", "<dOt>", '"At"' and the bare words between spaces ("user at x dot com").
# Both run on the lower-case view of a text (as IGNORECASE would, faster); the lookaheads (each
# alternative's first character) let every other position fail at once.
_BRACKETED_RE = lowercase_pattern(
    r"""(?=[\s\[({<"'_])\s?[\[({<"'_]\s?(at|snabel-a|dot|d0t|punktum|prik)\s?[\])}>"'_]\s?"""
)
_BARE_RE = lowercase_pattern(r"(?=\s)(?<=\S)\s+(at|snabel-a|dot|d0t|punktum)\s+(?=\S)")
# Cheap first look for both: an at/dot word between spaces or brackets (a one-class prefix,
# which re scans for in C); most adverts have none.
_WORD_GATE_RE = lowercase_pattern(
    r"""[\s\[({<"'_](?:at|snabel-a|dot|d0t|punktum|prik)[\s\])}>"'_]"""
)
_AT_WORDS = frozenset({"at", "snabel-a"})
# The gate's words other than "at", which is part of too many words to search for this way.
_RARE_WORDS = ("dot", "d0t", "punktum", "prik", "snabel-a")
_OPENERS, _CLOSERS = "[({<\"'_", "])}>\"'_"
_STOP = "\\s@<>()\\[\\]\\\\,;:\"'`"
_LOCAL_REV_RE = re.compile(rf"[^{_STOP}]{{1,64}}")
_DOMAIN_RE = re.compile(rf"\[[0-9.]{{7,15}}\]|[^{_STOP}/?#!*=+&%|]{{1,253}}")
MAX_AT_SIGNS = 1000  # a hostile text full of "@" or "at" costs no more than this


def _ip_literal(domain: str) -> bool:
    parts = domain.strip("[]").split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts)


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2 or any(not label for label in labels):
        return False
    if domain.startswith("[") or labels[-1].isdigit():
        return _ip_literal(domain)
    tld = labels[-1]
    return len(tld) >= 2 and not any(c.isdigit() for c in tld.removeprefix("xn--"))


def _emails_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, address) for each address around an "@" in ``text``."""
    found = []
    at = text.find("@")
    seen = 0
    while at != -1 and seen < MAX_AT_SIGNS:
        seen += 1
        window = text[max(0, at - 64) : at][::-1]
        local_m = _LOCAL_REV_RE.match(window)
        domain_m = _DOMAIN_RE.match(text, at + 1)
        if local_m and domain_m:
            local = local_m.group()[::-1].lstrip(".")
            domain = domain_m.group()
            if not domain.startswith("["):
                domain = domain.rstrip(".-")
            if local and _valid_domain(domain):
                start = at - len(local)
                address = unicodedata.normalize("NFC", f"{local}@{domain}").lower()
                found.append((start, at + 1 + len(domain), address))
        at = text.find("@", at + 1)
    return found


def _has_at_or_dot_word(view: str) -> bool:
    """Whether ``_WORD_GATE_RE`` finds an at/dot word in ``view``, searched for cheaply.

    The regex stops at every space; most adverts have none of the rarer words, and only
    their few "at"s (Danish "to", inside "privat") need a look at the characters around.
    """
    if any(word in view for word in _RARE_WORDS):
        return _WORD_GATE_RE.search(view) is not None
    at = view.find("at", 1)  # the gate needs a character before the word
    while at != -1:
        before, after = view[at - 1], view[at + 2 : at + 3]  # after is "" at the end
        closed = after != "" and (after.isspace() or after in _CLOSERS)
        if closed and (before.isspace() or before in _OPENERS):
            return True
        at = view.find("at", at + 1)
    return False


def _obfuscation_layer(text: str, view: str) -> tuple[Layer, set[int]]:
    """Rewrite at/dot words as "@" and "."; also return where bare "at" words were."""
    edits: list[Edit] = []
    for m in islice(_BRACKETED_RE.finditer(view), MAX_AT_SIGNS):
        word = m.group(1)
        edits.append(Edit(m.start(), m.end(), "@" if word in _AT_WORDS else ".", "words"))
    bare_at: set[int] = set()
    for m in islice(_BARE_RE.finditer(view), MAX_AT_SIGNS):
        word = m.group(1)
        if word in _AT_WORDS:
            bare_at.add(m.start())
        edits.append(Edit(m.start(), m.end(), "@" if word in _AT_WORDS else ".", "words"))
    return Layer(text, edits), bare_at


def find_emails(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, lower-case address, obscured) for each e-mail address in ``text``."""
    view = lower_view(text)
    worded = _has_at_or_dot_word(view)
    if "@" not in text and not worded:
        return []
    layer, bare_at = _obfuscation_layer(text, view) if worded else (Layer(text), set())
    results = []
    for start, end, address in _emails_in(layer.text):
        src_start, src_end = layer.to_source(start, end)
        tags = layer.tags_in(start, end)
        if tags and not _plausible(layer, start, end, bare_at):
            continue
        results.append((src_start, src_end, address, bool(tags)))
    return results


def _plausible(layer: Layer, start: int, end: int, bare_at: set[int]) -> bool:
    """A bare "at" is a common word (Danish "at" = "to"): then the domain must use a dot word."""
    at = layer.text.index("@", start, end)
    src_at, _ = layer.to_source(at, at + 1)
    if src_at not in bare_at:
        return True
    return layer.tags_in(at + 1, end) == {"words"} and "." in layer.text[at + 1 : end]
