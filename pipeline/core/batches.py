"""Long id lists split into IN (...) lists small enough for every database Scout runs on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Protocol, Self, TypeVar

# One IN list is one bound parameter per id. SQLite allows 32,766 per statement (since 3.32)
# and PostgreSQL 65,535; 5,000 stays far below both, leaves room for the statement's other
# parameters, and still needs few round trips.
IN_LIST_BATCH = 5000

T = TypeVar("T")


class _Filterable(Protocol):
    def where(self, *clauses: Any) -> Self: ...


S = TypeVar("S", bound=_Filterable)


def chunked(items: Iterable[T], size: int = IN_LIST_BATCH) -> Iterator[list[T]]:
    """`items` in consecutive lists of at most `size`, in order; none when `items` is empty.
    Reads `items` lazily, so a stream is never held whole."""
    # itertools.batched does this from Python 3.12 on; Scout still supports 3.11
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def in_batches(
    statement: S, column: Any, ids: Sequence[Any] | None, size: int = IN_LIST_BATCH
) -> Iterator[S]:
    """`statement` restricted to `column IN (...)`, once per batch of `ids`; or `statement`
    itself, once, when `ids` is None (no filter: every row)."""
    if ids is None:
        yield statement
        return
    for part in chunked(ids, size):
        yield statement.where(column.in_(part))
