"""The watermark's gaps (both engines): ranges of ids a run found missing at or below its
mark, what is left of them once ids appear, and when they are given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from models import Advert, ImageHash
from pipeline.core.db import Database
from pipeline.stages.linking import gaps
from pipeline.stages.linking.gaps import Gap

from helpers.linking_world import store_hand_made

T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)
KEEP = timedelta(minutes=60)
BASE = 1000  # image ids by hand, above what the one stored advert's images took


def _images(database: Database, offsets: list[int]) -> None:
    """Image hash rows numbered BASE + each offset."""
    with database.session() as session:
        advert = session.scalar(select(Advert.id))
        session.execute(
            insert(ImageHash),
            [{"id": BASE + i, "advert_id": advert, "phash": f"{i:016x}"} for i in offsets],
        )


@pytest.fixture
def numbered(database: Database) -> Database:
    store_hand_made(database, T0, [("one", "Odense", ["+4520111111"], "Hej.", [])])
    _images(database, [3, 5, 6, 9])
    return database


@pytest.mark.parametrize(
    ("after", "upto", "expected"),
    [
        (0, 9, [(1, 2), (4, 4), (7, 8)]),  # the first id missing too
        (3, 9, [(4, 4), (7, 8)]),
        (4, 6, []),  # the previous mark itself is no row: only what lies above it counts
        (6, 9, [(7, 8)]),
        (9, 9, []),
    ],
)
def test_linking_gaps_missing_ranges_above_the_previous_mark(
    numbered: Database, after: int, upto: int, expected: list[tuple[int, int]]
) -> None:
    with numbered.session() as session:
        found = gaps.missing(session, ImageHash.id, BASE + after, BASE + upto)
    assert found == [(BASE + a, BASE + b) for a, b in expected]


def _gap(first: int, last: int, since: datetime = T0) -> Gap:
    return Gap(BASE + first, BASE + last, since)


def test_linking_gaps_keep_what_is_still_missing_and_add_the_new(numbered: Database) -> None:
    """Old gaps 1..2, 4 and 7..8 with 1, 4 and 8 filled since; the new mark 12 leaves 10..11."""
    _images(numbered, [1, 4, 8, 12])
    old = (_gap(1, 2), _gap(4, 4), _gap(7, 8))
    now = T0 + timedelta(minutes=10)
    with numbered.session() as session:
        left = gaps.track(session, ImageHash.id, BASE + 9, old, BASE + 12, now, KEEP)
    assert left == (_gap(2, 2), _gap(7, 7), _gap(10, 11, now))


def test_linking_gaps_split_around_ids_that_appeared_inside() -> None:
    assert gaps.split((_gap(1, 9),), [BASE + 1, BASE + 4, BASE + 5, BASE + 9]) == [
        _gap(2, 3),
        _gap(6, 8),
    ]


@pytest.mark.parametrize(("age", "kept"), [(KEEP, True), (KEEP + timedelta(seconds=1), False)])
def test_linking_gaps_still_empty_are_given_up_after_link_gap_minutes(
    numbered: Database, age: timedelta, kept: bool
) -> None:
    """A rolled-back or deleted id never appears: its gap goes once older than the bound."""
    with numbered.session() as session:
        left = gaps.track(session, ImageHash.id, BASE + 9, (_gap(4, 4),), BASE + 9, T0 + age, KEEP)
    assert left == ((_gap(4, 4),) if kept else ())


def test_linking_gaps_keep_the_highest_ranges(
    numbered: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run over a store with many deleted ids carries only the newest ranges on."""
    monkeypatch.setattr(gaps, "MAX_GAPS", 2)
    with numbered.session() as session:
        left = gaps.track(session, ImageHash.id, BASE, (), BASE + 9, T0, KEEP)
    assert left == (_gap(4, 4), _gap(7, 8))


def test_linking_gaps_many_ranges_go_in_several_statements(
    numbered: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gaps, "RANGES_A_STATEMENT", 1)
    _images(numbered, [1, 7])
    old = (_gap(1, 2), _gap(4, 4), _gap(7, 8))
    with numbered.session() as session:
        left = gaps.track(session, ImageHash.id, BASE + 9, old, BASE + 9, T0, KEEP)
    assert left == (_gap(2, 2), _gap(4, 4), _gap(8, 8))
