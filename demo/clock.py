"""The simulated clock: the demo world's state is a pure function of its day number."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta


class SimClock:
    """Day counter from `start`; tests and the control endpoint move it, servers read it."""

    def __init__(self, start: date, day: int = 0) -> None:
        self.start = start
        self._day = day
        self._lock = threading.Lock()

    @property
    def day(self) -> int:
        """Days since `start`."""
        return self._day

    @day.setter
    def day(self, value: int) -> None:
        if value < 0:
            raise ValueError("day must be >= 0")
        with self._lock:
            self._day = value

    def today(self) -> date:
        """The simulated date."""
        return self.start + timedelta(days=self._day)

    def now(self) -> datetime:
        """Noon UTC of the simulated date (tz-aware)."""
        return datetime.combine(self.today(), time(12, 0), tzinfo=UTC)

    def advance(self, n: int = 1) -> int:
        """Move `n` days on; returns the new day."""
        with self._lock:
            if self._day + n < 0:
                raise ValueError("day must be >= 0")
            self._day += n
            return self._day
