"""Opening hours from free text and site fields (issue 15)."""

from __future__ import annotations

import pytest

from nlp.clinics.hours import OpeningHours, parse_hours

CASES = [
    # text, describe(), hours a week, open at night
    ("åben alle dage 10-22", "mon–sun 10:00–22:00", 84.0, False),
    ("Døgnåbent!", "day and night", 168.0, True),
    ("Vi har åbent hele døgnet", "day and night", 168.0, True),
    ("open 24/7", "day and night", 168.0, True),
    ("man-fre 10-20, lør-søn 12.00-18.00", "mon–fri 10:00–20:00; sat–sun 12:00–18:00", 62.0, False),
    ("hverdage 9-17", "mon–fri 09:00–17:00", 40.0, False),
    ("Åbent fra kl. 11 til 23", "mon–sun 11:00–23:00", 84.0, False),
    ("weekend 20-04", "sat–sun 20:00–04:00", 16.0, True),
    ("open every day 10:00-02:00", "mon–sun 10:00–02:00", 112.0, True),
    ("søndag 22-03", "sun 22:00–03:00", 5.0, True),
    ("Mon-Sun 0-24", "day and night", 168.0, True),
]  # fmt: skip


@pytest.mark.parametrize(("text", "described", "hours", "night"), CASES)
def test_hours(text, described, hours, night):
    parsed = parse_hours(text)
    assert parsed is not None
    assert parsed.describe() == described
    assert parsed.hours_per_week == hours
    assert parsed.open_at_night is night


@pytest.mark.parametrize("text", ["ring for tid", "", "3 piger i dag", "pris 500-800 kr"])
def test_unreadable_is_none(text):
    assert parse_hours(text) is None


def test_round_trip_json():
    parsed = parse_hours("man-fre 10-20")
    assert OpeningHours.from_json(parsed.to_json()) == parsed
    assert OpeningHours.from_json(None) is None
