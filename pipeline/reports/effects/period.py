"""The report's period: whole local days from one date to another, cut into calendar months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.core.errors import ScoutError

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


@dataclass(frozen=True)
class Slice:
    """Part of the period with a label (a month, or the whole period), as UTC bounds."""

    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Period:
    """From `first` to `last` (both included), local days in `tz`."""

    first: date
    last: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return _utc(self.first, self.tz)

    @property
    def end(self) -> datetime:
        return _utc(self.last + timedelta(days=1), self.tz)

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    def whole(self) -> Slice:
        return Slice("period", self.start, self.end)

    def months(self) -> list[Slice]:
        """The calendar months the period touches, each cut to the period ("2026-11")."""
        found = []
        day = self.first.replace(day=1)
        while day <= self.last:
            after = (day + timedelta(days=32)).replace(day=1)
            first, last = max(day, self.first), min(after - timedelta(days=1), self.last)
            found.append(
                Slice(f"{day:%Y-%m}", _utc(first, self.tz), _utc(last + timedelta(days=1), self.tz))
            )
            day = after
        return found

    def month_of(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.tz):%Y-%m}"


def parse_day(text: str, what: str) -> date:
    if not _DAY.match(text.strip()):
        raise ScoutError(
            f"{what} {text!r} is not a date of the form 2026-11-30", code="date-form", text=text
        )
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ScoutError(
            f"{what} {text!r} is not a real date", code="date-real", text=text
        ) from None


def make_period(first: date | str, last: date | str, tz: ZoneInfo) -> Period:
    """A period from two dates (or YYYY-MM-DD texts); a one-line ScoutError when backwards."""
    first = parse_day(first, "--from") if isinstance(first, str) else first
    last = parse_day(last, "--to") if isinstance(last, str) else last
    if last < first:
        raise ScoutError(
            f"the period ends ({last}) before it starts ({first})",
            code="period-backwards",
            first=first,
            last=last,
        )
    if (last - first).days > 3660:
        raise ScoutError(
            "a period of more than ten years is not a report period", code="period-long"
        )
    return Period(first, last, tz)
