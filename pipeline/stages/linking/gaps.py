"""Ids at or below a linking run's watermark that the run could not see (yet).

PostgreSQL hands out a sequence id when a row is inserted, not when its transaction
commits: one crawl worker's version takes id 100, another's takes 101 and commits, a link
run starts and takes 101 as its watermark, then 100 commits. The next run searches above
the watermark and would never see 100 (only a full run would). So a run records with its
watermark the ranges of ids at or below it that had no row ("gaps": uncommitted, rolled
back or deleted), and the next run also searches whatever has appeared in them. A gap that
is still empty is kept while younger than `link_gap_minutes` — longer than any write
transaction stays open (a crawl commits every batch) — and then dropped: a rolled-back or
deleted id never appears.

A run scans only the ids above the previous watermark for new gaps (one window query that
returns ranges, not ids) and checks the old gaps by range, so it costs what is new. SQLite
lets one writer at a time, so its ids commit in order and its gaps are only rolled-back or
deleted ids.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, ColumnElement, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from pipeline.core.batches import chunked

# A run keeps at most this many ranges, the highest (ids still in flight are the newest): a
# first run over a store with many deleted ids must not hand thousands to every later run.
MAX_GAPS = 1000
# Ranges ORed into one statement: two bound parameters and an index range scan each.
RANGES_A_STATEMENT = 500


class Gap(NamedTuple):
    """Ids first..last (inclusive) without a row since a run found them so."""

    first: int
    last: int
    since: datetime

    def to_json(self) -> list[Any]:
        return [self.first, self.last, self.since.isoformat()]

    @classmethod
    def from_json(cls, row: Sequence[Any]) -> Gap:
        return cls(int(row[0]), int(row[1]), datetime.fromisoformat(row[2]))


def within(column: Any, gaps: Sequence[Gap]) -> Iterator[ColumnElement[bool]]:
    """`column` in one of `gaps`, as a few OR clauses (one a statement); none without gaps."""
    for part in chunked(gaps, RANGES_A_STATEMENT):
        yield or_(*(column.between(gap.first, gap.last) for gap in part))


def missing(session: Session, column: Any, after: int, upto: int) -> list[tuple[int, int]]:
    """Ranges of ids in (after, upto] without a row, `upto` being the highest id there."""
    previous = func.lag(column, 1, cast(literal(after), BigInteger)).over(order_by=column)
    rows = (
        select(column.label("id"), previous.label("previous"))
        .where(column > after, column <= upto)
        .subquery()
    )
    return [
        (int(first), int(last))
        for first, last in session.execute(
            select(rows.c.previous + 1, rows.c.id - 1)
            .where(rows.c.id > rows.c.previous + 1)
            .order_by(rows.c.id)
        )
    ]


def _unseen(session: Session, column: Any, gaps: Sequence[Gap]) -> list[Gap]:
    """The parts of `gaps` still without a row."""
    present = [
        int(x)
        for clause in within(column, gaps)
        for x in session.scalars(select(column).where(clause))
    ]
    return split(gaps, sorted(present))


def split(gaps: Sequence[Gap], present: Sequence[int]) -> list[Gap]:
    """The parts of `gaps` without an id of `present` (sorted)."""
    left: list[Gap] = []
    for gap in gaps:
        first = gap.first
        for taken in present[bisect_left(present, gap.first) : bisect_right(present, gap.last)]:
            if taken > first:
                left.append(Gap(first, taken - 1, gap.since))
            first = taken + 1
        if first <= gap.last:
            left.append(Gap(first, gap.last, gap.since))
    return left


def track(
    session: Session,
    column: Any,
    before: int,
    gaps: Sequence[Gap],
    mark: int,
    now: datetime,
    keep: timedelta,
) -> tuple[Gap, ...]:
    """The gaps a run taking `mark` leaves to the next: what is still missing of the previous
    run's `gaps` (watermark `before`) unless older than `keep`, and what is missing in
    (before, mark]. Call it before the run reads what changed, so an id filled after this
    is either read by the run or left a gap for the next one."""
    kept = [gap for gap in _unseen(session, column, gaps) if now - gap.since <= keep]
    new = [Gap(first, last, now) for first, last in missing(session, column, before, mark)]
    return tuple(sorted(kept + new)[-MAX_GAPS:])
