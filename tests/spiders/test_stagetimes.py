"""The crawl's per-stage clock: exclusive times, round trips counted, sealing timed."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import create_engine, text

from spiders import stagetimes
from spiders.stagetimes import StageClock, TimedSealer, time_round_trips


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    """perf_counter returns 0, 1, 2, … so times are counts of clock reads, not real time."""
    counter = itertools.count()
    monkeypatch.setattr(stagetimes, "perf_counter", lambda: float(next(counter)))


def test_stagetimes_nested_stage_is_subtracted_from_its_parent(ticks: None) -> None:
    clock = StageClock()
    clock.start("store")  # 0
    clock.start("sealing")  # 1
    clock.stop("sealing")  # 2: sealing 1
    clock.start("database")  # 3
    clock.stop("database")  # 4: database 1
    clock.stop("store")  # 5: store 5 - 2 in children
    assert clock.report() == {
        "database": {"seconds": 1.0, "calls": 1},
        "sealing": {"seconds": 1.0, "calls": 1},
        "store": {"seconds": 3.0, "calls": 1},
    }


def test_stagetimes_unmatched_stop_is_ignored_and_reset_clears(ticks: None) -> None:
    clock = StageClock()
    clock.stop("database")  # no start: nothing happens
    with clock.timed("clean"):
        clock.stop("database")  # not the open stage
    assert clock.report() == {"clean": {"seconds": 1.0, "calls": 1}}
    clock.reset()
    assert clock.report() == {}


def test_stagetimes_wrap_times_every_call_and_passes_results(ticks: None) -> None:
    clock = StageClock()
    double = clock.wrap("contacts", lambda x: 2 * x)
    assert [double(1), double(2)] == [2, 4]
    assert clock.report()["contacts"]["calls"] == 2


def test_stagetimes_counts_every_round_trip_of_the_engine() -> None:
    clock = StageClock()
    engine = create_engine("sqlite://")
    time_round_trips(engine, clock)
    with engine.connect() as connection:
        for _ in range(3):
            connection.execute(text("select 1"))
        with pytest.raises(Exception, match="no such table"):
            connection.execute(text("select * from missing"))
    report = clock.report()
    assert report["database"]["calls"] == 4  # a failed statement was a round trip too
    assert not clock._stack()  # and its stage was closed


class _Reversing:
    def seal(self, plaintext: bytes) -> bytes:
        return plaintext[::-1]

    def unseal(self, blob: bytes) -> bytes:
        return blob[::-1]


def test_stagetimes_timed_sealer_seals_like_the_keyring_it_wraps() -> None:
    clock = StageClock()
    sealer = TimedSealer(_Reversing(), clock)
    assert sealer.unseal(sealer.seal(b"abc")) == b"abc"
    assert sealer.seal(b"abc") == b"cba"
    assert clock.report()["sealing"]["calls"] == 3
