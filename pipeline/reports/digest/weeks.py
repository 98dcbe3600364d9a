"""ISO weeks in the organisation's time zone, as UTC bounds that survive daylight-saving changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from pipeline.core.errors import ScoutError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class Span(Protocol):
    """A stretch of time as UTC bounds (start inclusive, end exclusive): a Week or a Month."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


@dataclass(frozen=True)
class Week:
    """One ISO week (Monday 00:00 to the next Monday 00:00, local time) and its UTC bounds."""

    year: int
    number: int
    tz: ZoneInfo

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        # Local midnight converted to UTC: a week across a DST change is 167 or 169 hours long.
        return datetime.combine(self.monday, time(0), self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]

    def previous(self) -> Week:
        return week_of_date(self.monday - timedelta(days=7), self.tz)

    def next(self) -> Week:
        return week_of_date(self.monday + timedelta(days=7), self.tz)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def week_of_date(day: date, tz: ZoneInfo) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number, tz)


def week_of(moment: datetime, tz: ZoneInfo) -> Week:
    """The week a tz-aware moment falls in, reckoned in local time."""
    if moment.tzinfo is None:
        raise ValueError("week_of needs a tz-aware datetime")
    return week_of_date(moment.astimezone(tz).date(), tz)


def parse_week(text: str, tz: ZoneInfo) -> Week:
    """'2026-W48' → Week; a malformed or impossible week is a one-line ScoutError."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ScoutError(f"week {text!r} is not of the form 2026-W48")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ScoutError(f"{year} has no ISO week {number}") from None
    return Week(year, number, tz)
