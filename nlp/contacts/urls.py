"""Web addresses in advert text: with a scheme, starting with www., or a bare known domain."""

from __future__ import annotations

import re

from nlp.textscan import lower_view, lowercase_pattern

# Bare "name.tld" only counts for these endings, so "kl.18" or "hej.med" are not addresses.
_TLD_TEXT = """
com net org info biz eu dk se no de pl ro es uk fr it nl be ch at fi is ru ua lt lv ee cz sk hu
bg gr pt ie io me co tv cc ws to xyz online site club top app live shop store vip sexy dating xxx
adult sex porn escort link page blog website space fun
"""
TLDS = frozenset(_TLD_TEXT.split())
_TLD_ALT = "|".join(sorted(TLDS, key=len, reverse=True))
# Matched in the lower-case view of a text (as IGNORECASE would, faster); text from the text.
_URL_RE = lowercase_pattern(
    r"\bhttps?://[^\s<>\"'(){}\[\]]{1,2000}"
    r"|(?<![\w.])www\.[^\s<>\"'(){}\[\]]{1,2000}"
    rf"|(?<![\w.@/=&?%+-])(?:[a-z0-9-]{{1,63}}\.)+(?:{_TLD_ALT})(?![\w@-])"
    r"(?:/[^\s<>\"'(){}\[\]]{0,2000})?"
)
# Cheap first look: the third alternative above needs a dot before a known ending.
_DOT_TLD_RE = lowercase_pattern(rf"\.(?:{_TLD_ALT})(?![\w@-])")
_TRAILING = ".,;:!?'\"*"
# The whitespace before a token (re's \s is str.isspace), read backwards from inside it.
_TOKEN_START_REVERSED_RE = re.compile(r"\S*")
_WWW_HOST_RE = re.compile(r"www\.(?:[a-z0-9-]{1,63}\.)+([a-z0-9-]{2,63})", re.IGNORECASE)


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) for each web address; trailing punctuation is not part of it."""
    view = lower_view(text)
    marks = [i for i in (view.find("://"), view.find("www.")) if i >= 0]
    dot_tld = _DOT_TLD_RE.search(view)
    if dot_tld:
        marks.append(dot_tld.start())
    if not marks:
        return []
    found = []
    for m in _URL_RE.finditer(view, _token_start(view, min(marks))):
        url = text[m.start() : m.end()].rstrip(_TRAILING)
        end = m.start() + len(url)
        if not url:
            continue
        if url[:4].lower() == "www.":
            www = _WWW_HOST_RE.match(url)
            if not www or www.group(1).lower() not in TLDS:
                continue  # "www.google.con" is a typo, not an address
        scheme, sep, rest = url.partition("://")
        if sep:
            host, slash, path = rest.partition("/")
            url = f"{scheme.lower()}://{host.lower()}{slash}{path}"
        else:
            host, slash, path = url.partition("/")
            url = f"{host.lower()}{slash}{path}"
        found.append((m.start(), end, url))
    return found


def _token_start(view: str, mark: int) -> int:
    """Where the whitespace-free token holding ``view[mark]`` starts.

    No address holds whitespace, and each holds one of the marks ("://", "www.", a dot
    before a known ending), so none starts before the token of the first mark: the scan
    (the costly part of this module, tried at every word) starts there.
    """
    reversed_token = _TOKEN_START_REVERSED_RE.match(view[mark::-1])
    return mark + 1 - len(reversed_token.group())  # type: ignore[union-attr]
