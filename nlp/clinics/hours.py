"""Opening hours from a site field or free text (Danish and English).

Reads ``døgnåbent`` / ``open 24/7`` / ``åben hele døgnet``, ``åben alle dage 10-22``,
``man-fre 10-20, lør-søn 12.00-18.00``, ``hverdage 9-17``, ``weekend 12-02`` (past midnight).
The result is a week of opening spans, from which screening reads "open day and night"
(open at night, 00–06) and the hours a week. Unread text gives ``None``, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS = {
    "man": 0, "mandag": 0, "mon": 0, "monday": 0,
    "tir": 1, "tirsdag": 1, "tue": 1, "tuesday": 1,
    "ons": 2, "onsdag": 2, "wed": 2, "wednesday": 2,
    "tor": 3, "tors": 3, "torsdag": 3, "thu": 3, "thursday": 3,
    "fre": 4, "fredag": 4, "fri": 4, "friday": 4,
    "lør": 5, "lørdag": 5, "sat": 5, "saturday": 5,
    "søn": 6, "søndag": 6, "sun": 6, "sunday": 6,
}  # fmt: skip
_ALL_DAYS = r"alle dage|hver dag|dagligt|daily|every day|all days|7 dage om ugen"
_ALWAYS = re.compile(
    r"døgnåben\w*|åben\w* hele døgnet|åben\w* 24/7|24/7|24 timer i døgnet|open 24 ?h\w*"
    r"|open (?:day and night|around the clock)|nat og dag|dag og nat",
    re.IGNORECASE,
)
_DAY = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_TIME = r"(?P<{0}h>[01]?\d|2[0-4])(?:[.:](?P<{0}m>[0-5]\d))?"
_SPAN = re.compile(
    rf"(?:(?P<all>{_ALL_DAYS})|(?P<weekdays>hverdage|weekdays)|(?P<weekend>weekend\w*)"
    rf"|(?P<d1>{_DAY})\.?(?:\s*(?:-|–|til|to)\s*(?P<d2>{_DAY})\.?)?)"
    r"\s*:?\s*(?:fra\s+|from\s+)?(?:kl\.?\s*)?"
    rf"{_TIME.format('a')}\s*(?:-|–|til|to)\s*(?:kl\.?\s*)?{_TIME.format('b')}(?!\d)",
    re.IGNORECASE,
)
# "åben 10-22" / "open 10-22" with no days: every day.
_BARE = re.compile(
    rf"(?:åben\w*|open)\s*(?:fra\s+|from\s+)?(?:kl\.?\s*)?{_TIME.format('a')}\s*(?:-|–|til|to)\s*"
    rf"(?:kl\.?\s*)?{_TIME.format('b')}(?!\d)",
    re.IGNORECASE,
)

Span = tuple[int, int]  # minutes from Monday 00:00, end may pass into the next day


@dataclass(frozen=True)
class OpeningHours:
    always: bool
    spans: tuple[Span, ...]  # (start, end) minutes in the week; empty when `always`

    @property
    def hours_per_week(self) -> float:
        if self.always:
            return 168.0
        return sum(end - start for start, end in self.spans) / 60

    @property
    def open_at_night(self) -> bool:
        """Open some time between 00:00 and 06:00 on some day (or always)."""
        if self.always:
            return True
        return any(
            start < day * 1440 + 360 and end > day * 1440
            for start, end in self.spans
            for day in range(8)  # a Sunday span may run into the next Monday
        )

    def describe(self) -> str:
        """Short plain words, e.g. ``day and night`` or ``mon–sun 10:00–22:00``."""
        if self.always:
            return "day and night"
        by_time: dict[tuple[int, int], list[int]] = {}
        for start, end in self.spans:
            day, begin = divmod(start, 1440)
            by_time.setdefault((begin, begin + end - start), []).append(day)
        parts = []
        for (begin, finish), days in sorted(by_time.items(), key=lambda item: min(item[1])):
            named = (
                f"{DAYS[days[0]]}–{DAYS[days[-1]]}"
                if len(days) > 1 and days == list(range(days[0], days[-1] + 1))
                else ",".join(DAYS[d] for d in days)
            )
            parts.append(f"{named} {_clock(begin)}–{_clock(finish % 1440)}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"always": self.always, "spans": [list(span) for span in self.spans]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> OpeningHours | None:
        if not data:
            return None
        spans = tuple((int(start), int(end)) for start, end in data.get("spans") or [])
        return cls(bool(data.get("always")), spans)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(match: re.Match[str], key: str) -> int:
    return int(match.group(f"{key}h")) * 60 + int(match.group(f"{key}m") or 0)


def _days(match: re.Match[str]) -> range | list[int]:
    if match.group("all"):
        return range(7)
    if match.group("weekdays"):
        return range(5)
    if match.group("weekend"):
        return [5, 6]
    first = _DAY_WORDS[match.group("d1").casefold()]
    last = _DAY_WORDS[match.group("d2").casefold()] if match.group("d2") else first
    return range(first, last + 1) if last >= first else [*range(first, 7), *range(0, last + 1)]


def _spans(days: range | list[int], start: int, end: int) -> list[Span]:
    if end <= start:  # past midnight: "20-04"
        end += 1440
    return [(day * 1440 + start, day * 1440 + end) for day in days]


def parse_hours(text: str) -> OpeningHours | None:
    """Opening hours in a field or free text; None when nothing readable is there."""
    if _ALWAYS.search(text):
        return OpeningHours(True, ())
    spans: dict[int, Span] = {}
    for match in _SPAN.finditer(text):
        start, end = _minutes(match, "a"), _minutes(match, "b")
        if end == start:
            continue
        for span in _spans(_days(match), start, end):
            spans[span[0] // 1440] = span
    if not spans:
        bare = _BARE.search(text)
        if bare is None:
            return None
        for span in _spans(range(7), _minutes(bare, "a"), _minutes(bare, "b")):
            spans[span[0] // 1440] = span
    if len(spans) == 7 and all(end - start >= 1440 for start, end in spans.values()):
        return OpeningHours(True, ())
    return OpeningHours(False, tuple(spans[day] for day in sorted(spans)))
