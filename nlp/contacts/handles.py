"""Messenger links and handles (WhatsApp, Telegram, Signal) and phone links (tel:, sms:)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.textscan import lower_view, lowercase_pattern

# The view patterns run on the lower-case view of a text (as IGNORECASE would, faster); what
# they capture (digits, a handle that is lower-cased anyway) reads the same in the view.
_NUMBER_LINK_RE = lowercase_pattern(
    # the lookahead lets every other first letter fail at once
    r"(?=[tscwva])(?:(?P<scheme>tel|sms|callto|whatsapp|viber):(?://)?"
    r"(?P<num>\+?[0-9][0-9\s\-.()]{4,24}[0-9])"
    r"|(?P<wa>wa\.me/|api\.whatsapp\.com/send/?\?phone=|whatsapp\.com/send/?\?phone=)"
    r"\+?(?P<wanum>[0-9]{6,15})"
    r"|(?P<signal>signal\.me/#p/)(?P<signum>\+?[0-9]{6,15}))"
)
_TME_RE = lowercase_pattern(
    r"(?<![\w.])(?:https?://)?(?:t|telegram)\.me/(?P<name>[a-z][a-z0-9_]{3,31}+)(?![\w/])"
)
TME_REACH = len("https://telegram")
_AT_HANDLE_RE = re.compile(r"(?<![\w@.])@(?P<name>[A-Za-z][A-Za-z0-9_]{3,31}+)(?![\w@])")
_TELEGRAM_WORD_RE = lowercase_pattern(r"\b(?:telegram|telegramm|tg|телеграм)\b")
_TELEGRAM_WORDS = ("telegram", "tg", "телеграм")
# What each link above must contain: most adverts hold none, so the regexes need not run.
_LINK_MARKS = ("tel:", "sms:", "callto:", "whatsapp:", "viber:", "wa.me/", "whatsapp.com/send",
               "signal.me/")  # fmt: skip
_MESSENGER_WORD_RE = re.compile(r"\b(whats\s?app|wa|signal)\b", re.IGNORECASE)
TELEGRAM_CONTEXT = 80  # chars either side of an @handle in which "telegram" must appear
MESSENGER_REACH = 40  # chars after "WhatsApp"/"Signal" in which the number must start


@dataclass(frozen=True, slots=True)
class NumberLink:
    """A number inside a link: ``kind`` is "phone", "whatsapp" or "signal"."""

    kind: str
    start: int
    end: int
    raw: str  # digits with an optional leading "+"
    international: bool  # wa.me and signal.me always carry the country code


def find_number_links(text: str) -> list[NumberLink]:
    """tel:/sms: links, wa.me and api.whatsapp.com links, signal.me links."""
    view = lower_view(text)
    if not any(mark in view for mark in _LINK_MARKS):
        return []
    links = []
    for m in _NUMBER_LINK_RE.finditer(view):
        if m.group("num"):
            raw = m.group("num")
            digits = ("+" if raw.startswith("+") else "") + re.sub(r"\D", "", raw)
            scheme = m.group("scheme").lower()
            kind = "whatsapp" if scheme == "whatsapp" else "phone"
            links.append(NumberLink(kind, m.start(), m.end(), digits, digits.startswith("+")))
        elif m.group("wa"):
            links.append(NumberLink("whatsapp", m.start(), m.end(), "+" + m.group("wanum"), True))
        else:
            raw = m.group("signum")
            links.append(NumberLink("signal", m.start(), m.end(), "+" + raw.lstrip("+"), True))
    return links


def find_telegram(text: str) -> list[tuple[int, int, str]]:
    """(start, end, handle) for t.me links and for @handles near the word "telegram"."""
    view = lower_view(text)
    me = view.find(".me/")
    # a link starts at most len("https://telegram") before its ".me/": the scan starts there
    links = _TME_RE.finditer(view, max(0, me - TME_REACH)) if me >= 0 else ()
    found = [(m.start(), m.end(), m.group("name")) for m in links]
    if "@" not in text:
        return found
    # the regex needs one of the words: it is tried from the first place one is written
    named = [at for at in (view.find(word) for word in _TELEGRAM_WORDS) if at >= 0]
    if named and _TELEGRAM_WORD_RE.search(view, min(named)):
        for m in _AT_HANDLE_RE.finditer(text):
            lo, hi = max(0, m.start() - TELEGRAM_CONTEXT), m.end() + TELEGRAM_CONTEXT
            if _TELEGRAM_WORD_RE.search(view, lo, hi):
                found.append((m.start(), m.end(), m.group("name").lower()))
    return found


def messenger_before(text: str, start: int) -> str | None:
    """ "whatsapp" or "signal" when one is named shortly before ``start`` on the same line."""
    lo = max(0, start - MESSENGER_REACH)
    window = text[lo:start]
    cut = window.rfind("\n")
    kinds = [m.group(1).lower() for m in _MESSENGER_WORD_RE.finditer(window[cut + 1 :])]
    if not kinds:
        return None
    return "signal" if kinds[-1] == "signal" else "whatsapp"
