"""Clean advert text: mojibake repaired, Unicode NFC, whitespace tidied, markup gone."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import replace
from typing import Any

import ftfy

from spiders.items import AdvertItem
from spiders.stagetimes import STAGES

_TAG = re.compile(r"<[^<>]{0,2000}>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A clinic field is a line or two; a person's name, nationality or language a few words.
MAX_CLINIC_FIELD = 500
MAX_PERSON_FIELD = 100
# ftfy's defaults, less the steps that would erase how a number was hidden (zero-width
# characters, full-width digits): the NLP stage needs to see those.
_FTFY = ftfy.TextFixerConfig(remove_control_chars=False, normalization=None, unescape_html=False)


def clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    text = ftfy.fix_text(value, config=_FTFY)
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    text = "\n".join(line.strip() for line in text.split("\n")).strip()
    return text or None


class CleanTextPipeline:
    def process_item(self, item: Any) -> Any:
        with STAGES.timed("clean"):
            return self._clean(item)

    def _clean(self, item: Any) -> Any:
        if isinstance(item, AdvertItem):
            item.title = clean_text(item.title)
            item.text = clean_text(item.text)
            item.city = clean_text(item.city)
            item.contacts = [c for c in (clean_text(raw) for raw in item.contacts) if c]
            item.address = _short(item.address, MAX_CLINIC_FIELD)
            item.opening_hours = _short(item.opening_hours, MAX_CLINIC_FIELD)
            item.venue_name = _short(item.venue_name, MAX_PERSON_FIELD * 2)
            item.roster = [
                replace(
                    person,
                    name=_short(person.name, MAX_PERSON_FIELD),
                    nationality=_short(person.nationality, MAX_PERSON_FIELD),
                    languages=tuple(
                        lang
                        for lang in (_short(x, MAX_PERSON_FIELD) for x in person.languages)
                        if lang
                    ),
                )
                for person in item.roster
            ]
        return item


def _short(value: str | None, limit: int) -> str | None:
    cleaned = clean_text(value)
    return cleaned[:limit] if cleaned else None
