"""Where a crawl process spends its time: seconds per stage, kept in the crawl run's stats.

The crawl benchmark compares the full pipeline with a bare Scrapy spider fetching the same
pages; these timers say where the difference goes (item pipelines, contact finding,
sealing, database round trips, image hashing). Times are exclusive: a stage timed inside
another (sealing while storing) is subtracted from the outer one, so the stages add up to
the time measured. A crawl is one process (Scrapy's reactor cannot restart), so there is
one clock a process; `CrawlSession` resets it when a crawl starts.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

P = ParamSpec("P")
R = TypeVar("R")


class StageClock:
    """Exclusive seconds and calls per stage name; thread-safe (OCR runs in threads)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def reset(self) -> None:
        with self._lock:
            self.seconds.clear()
            self.calls.clear()

    def _stack(self) -> list[list[Any]]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def start(self, stage: str) -> None:
        self._stack().append([stage, perf_counter(), 0.0])  # name, start, time in children

    def stop(self, stage: str) -> None:
        stack = self._stack()
        if not stack or stack[-1][0] != stage:  # an unmatched stop (an error path): ignore
            return
        _, started, children = stack.pop()
        elapsed = perf_counter() - started
        if stack:
            stack[-1][2] += elapsed
        with self._lock:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed - children
            self.calls[stage] = self.calls.get(stage, 0) + 1

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        self.start(stage)
        try:
            yield
        finally:
            self.stop(stage)

    def wrap(self, stage: str, function: Callable[P, R]) -> Callable[P, R]:
        """`function`, timed as `stage` on every call."""

        def timed_call(*args: P.args, **kwargs: P.kwargs) -> R:
            with self.timed(stage):
                return function(*args, **kwargs)

        return timed_call

    def report(self) -> dict[str, dict[str, float]]:
        """{stage: {"seconds", "calls"}}, for the crawl run's stats."""
        with self._lock:
            return {
                stage: {"seconds": round(seconds, 4), "calls": self.calls.get(stage, 0)}
                for stage, seconds in sorted(self.seconds.items())
            }


STAGES = StageClock()


class TimedSealer:
    """A keyring whose sealing and unsealing count as the "sealing" stage."""

    def __init__(self, sealer: Any, clock: StageClock = STAGES) -> None:
        self._sealer, self._clock = sealer, clock

    def seal(self, plaintext: bytes) -> bytes:
        with self._clock.timed("sealing"):
            return bytes(self._sealer.seal(plaintext))

    def unseal(self, blob: bytes) -> bytes:
        with self._clock.timed("sealing"):
            return bytes(self._sealer.unseal(blob))


_TIMED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def time_round_trips(engine: Engine, clock: StageClock = STAGES) -> None:
    """Count every statement the engine sends, and the time until its answer, as the
    "database" stage (its calls are the round trips). Once an engine: a process that opens
    several crawl sessions on one database (tests) would otherwise time each statement once
    a session."""
    if engine in _TIMED_ENGINES:
        return
    _TIMED_ENGINES.add(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _sent(*_: Any) -> None:
        clock.start("database")

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(*_: Any) -> None:
        clock.stop("database")

    @event.listens_for(engine, "handle_error")
    def _failed(*_: Any) -> None:
        clock.stop("database")
