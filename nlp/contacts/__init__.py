"""Contact points in advert text: phones (also obscured ones), e-mails, messenger handles, URLs."""

from __future__ import annotations

from nlp.contacts.deobfuscate import digit_layer, hidden_layer
from nlp.contacts.emails import find_emails
from nlp.contacts.handles import find_number_links, find_telegram, messenger_before
from nlp.contacts.model import ContactMatch, strongest
from nlp.contacts.numberwords import load_number_words
from nlp.contacts.phonecheck import PhoneChecker, e164, region_of
from nlp.contacts.phones import find_phone_hits
from nlp.contacts.urls import find_urls

__all__ = ["ContactMatch", "find_contacts"]


def _phone(kind: str, start: int, end: int, found: tuple, obscured: str) -> ContactMatch:
    number, type_name, _ = found
    return ContactMatch(kind, e164(number), start, end, obscured, region_of(number), type_name)


def _link_matches(text: str, checker: PhoneChecker) -> list[ContactMatch]:
    matches = []
    for link in find_number_links(text):
        plus = link.raw.startswith("+")
        found = checker.check(link.raw.lstrip("+"), plus)
        if found is None:
            continue
        matches.append(_phone("phone", link.start, link.end, found, "link"))
        if link.kind != "phone":
            matches.append(_phone(link.kind, link.start, link.end, found, "link"))
    return matches


def _phone_matches(
    text: str, checker: PhoneChecker, masked: list[tuple[int, int]], allow_split: bool
) -> list[ContactMatch]:
    words = load_number_words()
    hidden = hidden_layer(text)
    digits = digit_layer(hidden.text, words)
    # masked spans (links) are in source offsets; the layers only shrink or keep text before them
    view_masked = [] if hidden.changed or digits.changed else masked
    matches = []
    for hit in find_phone_hits(digits.text, words, checker, view_masked, allow_split):
        tags = digits.tags_in(hit.start, hit.end)
        mid_start, mid_end = digits.to_source(hit.start, hit.end)
        tags |= hidden.tags_in(mid_start, mid_end)
        start, end = hidden.to_source(mid_start, mid_end)
        if any(s < end and start < e for s, e in masked):
            continue
        found = (hit.number, hit.type_name, False)
        matches.append(_phone("phone", start, end, found, strongest(tags, hit.style)))
    for match in list(matches):
        messenger = messenger_before(text, match.start)
        if messenger:
            matches.append(
                ContactMatch(
                    messenger,
                    match.value,
                    match.start,
                    match.end,
                    match.obscured,
                    match.country,
                    match.number_type,
                )
            )
    return matches


def find_contacts(text: str, region: str = "DK") -> list[ContactMatch]:
    """Every contact point in ``text``, deduplicated by (kind, value), sorted by start.

    Phones are validated with ``phonenumbers`` for ``region`` (the country assumed for numbers
    written without a country code); the first occurrence of a contact point is the one kept.
    """
    if not text or text.isspace():
        return []
    checker = PhoneChecker(region)
    matches = _link_matches(text, checker)
    masked = [(m.start, m.end) for m in matches]
    for start, end, address, obscured in find_emails(text):
        matches.append(ContactMatch("email", address, start, end, "words" if obscured else "plain"))
        masked.append((start, end))
    for start, end, handle in find_telegram(text):
        matches.append(
            ContactMatch(
                "telegram", handle, start, end, "link" if "/" in text[start:end] else "plain"
            )
        )
        masked.append((start, end))
    matches += _phone_matches(
        text, checker, masked, allow_split=not any(m.kind == "phone" for m in matches)
    )
    for start, end, url in find_urls(text):
        if not any(s < end and start < e for s, e in masked):
            matches.append(ContactMatch("url", url, start, end, "plain"))
    matches.sort(key=lambda m: (m.start, m.end))
    seen: set[tuple[str, str]] = set()
    unique = []
    for match in matches:
        if (match.kind, match.value) not in seen:
            seen.add((match.kind, match.value))
            unique.append(match)
    return unique
