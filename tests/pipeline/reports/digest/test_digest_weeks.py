"""Weeks follow Europe/Copenhagen local time, including the week daylight saving ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipeline.core.errors import ScoutError
from pipeline.reports.digest.weeks import parse_week, week_of

CPH = ZoneInfo("Europe/Copenhagen")


def test_weeks_dst_week_is_one_hour_longer() -> None:
    week = parse_week("2026-W43", CPH)  # Mon 19 Oct to Sun 25 Oct; clocks go back on the 25th
    assert week.start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # 00:00 CEST
    assert week.end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # 00:00 CET
    assert week.end - week.start == timedelta(hours=169)


@pytest.mark.parametrize(
    ("utc", "label"),
    [
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), "2026-W43"),  # Sun 23:59 CET
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), "2026-W44"),  # Mon 00:00 CET
        (datetime(2026, 10, 18, 21, 59, tzinfo=UTC), "2026-W42"),  # Sun 23:59 CEST
        (datetime(2026, 10, 18, 22, 0, tzinfo=UTC), "2026-W43"),
        (datetime(2027, 3, 28, 21, 59, tzinfo=UTC), "2027-W12"),  # spring: Sun 23:59 CEST
    ],
)
def test_weeks_moment_falls_in_local_week(utc: datetime, label: str) -> None:
    week = week_of(utc, CPH)
    assert week.label == label
    assert week.contains(utc)
    assert not week.previous().contains(utc) and not week.next().contains(utc)


def test_weeks_spring_week_is_one_hour_shorter() -> None:
    week = parse_week("2027-W12", CPH)
    assert week.end - week.start == timedelta(hours=167)
    assert week.next().label == "2027-W13" and week.previous().label == "2027-W11"


def test_weeks_year_boundary() -> None:
    assert week_of(datetime(2027, 1, 1, 12, tzinfo=UTC), CPH).label == "2026-W53"
    assert parse_week("2026-W53", CPH).next().label == "2027-W01"


@pytest.mark.parametrize("text", ["2026-48", "2026-W60", "2027-W53", "W48", ""])
def test_weeks_malformed_refused(text: str) -> None:
    with pytest.raises(ScoutError):
        parse_week(text, CPH)
