"""Scout's notion of "now": the wall clock, or a simulated one for the demo and tests.

The demo world runs on simulated days; a crawl of "day 5" must record day 5 so
that first/last seen and rotation between cities come out as they would in life.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

_anchor: tuple[datetime, float] | None = None


def set_now(moment: datetime | None) -> None:
    """Let time run from `moment` (tz-aware) in this process; None returns to the wall clock."""
    global _anchor
    if moment is not None and moment.tzinfo is None:
        raise ValueError("simulated time needs a time zone")
    _anchor = None if moment is None else (moment.astimezone(UTC), time.monotonic())


def now() -> datetime:
    if _anchor is None:
        return datetime.now(UTC)
    start, at = _anchor
    return start + timedelta(seconds=time.monotonic() - at)
