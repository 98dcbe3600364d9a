"""The target list kept between requests while the data behind it stay the same.

Building the list aggregates every listed cluster's adverts in the database (for the
filters' choices and the per-row facts); at 10⁵ adverts that still costs seconds, far more
than a page may. The Today page
asks this cache, which rebuilds the list when `list_version` changes (linking, scores, a
contact logged, an opt-out added or lifted: so an opted-out target leaves at once) or
when the entry is older than `MAX_AGE` seconds (crawls change last-seen and gone dates
without touching `list_version`). Per process; the list holds no contact value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from pipeline.reports.outreach.targets import Target, TargetFilter, list_targets, list_version

MAX_AGE = 60.0  # seconds
T = TypeVar("T")


@dataclass(frozen=True)
class _Entry:
    key: tuple[Any, ...]
    made: float
    targets: list[Target]
    # what pages derive from the whole list (the filters' choices), made once per build
    derived: dict[Callable[[list[Target]], Any], Any] = field(default_factory=dict)


class TargetListCache:
    def __init__(self, max_age: float = MAX_AGE) -> None:
        self.max_age = max_age
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._entry: _Entry | None = None
        self.builds = 0  # how often the list was built (for tests and the benchmark)

    def listed(self, session: Session, threshold: float, now: datetime) -> list[Target]:
        """`list_targets` over the threshold, from the cache when it is still current."""
        key = (threshold, *list_version(session))
        found = self._current(key)
        if found is not None:
            return found
        # one build at a time: requests that arrive meanwhile wait for it and use it, rather
        # than each building the same list at once (20 at once took 20 times as long)
        with self._building:
            found = self._current(key)
            if found is not None:
                return found
            targets = list_targets(session, TargetFilter(min_score=threshold), now)
            with self._lock:
                self._entry = _Entry(key, time.monotonic(), targets)
                self.builds += 1
        return targets

    def derive(self, targets: list[Target], make: Callable[[list[Target]], T]) -> T:
        """`make(targets)`, kept with the cached list `targets` came from: computed once
        per build, not per request (`targets` not the cached list: computed here)."""
        with self._lock:
            entry = self._entry
        if entry is None or entry.targets is not targets:
            return make(targets)
        if make not in entry.derived:
            entry.derived[make] = make(targets)
        return entry.derived[make]

    def _current(self, key: tuple[Any, ...]) -> list[Target] | None:
        with self._lock:
            entry = self._entry
        if entry is not None and entry.key == key and time.monotonic() - entry.made < self.max_age:
            return entry.targets
        return None
