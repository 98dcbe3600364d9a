"""Small-cell suppression (the effects report and the digest's clinics section): a count under
the minimum is hidden and marked, never printed.

A hidden cell is a `Hidden`; tables, CSV and charts all see the same object. A share is
hidden when its numerator or denominator is. A whole split in two (referred or not) hides both
parts when either is small. When exactly one part of a group with a shown
total is hidden, the next smallest part is hidden too, so it cannot be found by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Hidden:
    """A count under the minimum (1 to minimum − 1), suppressed."""

    minimum: int

    def __str__(self) -> str:
        return f"<{self.minimum}"


Value = int | float | str | Hidden | None


def count(n: int, minimum: int) -> int | Hidden:
    """`n`, or Hidden when 0 < n < minimum (a zero names nobody and stays)."""
    return Hidden(minimum) if 0 < n < minimum else n


def share(part: int | Hidden, whole: int | Hidden) -> float | Hidden | None:
    """part / whole rounded to 3 places; Hidden if either is; None for an empty whole."""
    if isinstance(part, Hidden):
        return part
    if isinstance(whole, Hidden):
        return whole
    return round(part / whole, 3) if whole else None


def split(whole: int, part: int, minimum: int) -> tuple[int | Hidden, int | Hidden]:
    """`part` and `whole − part` of a whole that is shown: both hidden when either is small
    (else the hidden one is the whole minus the shown one)."""
    rest = whole - part
    if 0 < part < minimum or 0 < rest < minimum:
        return Hidden(minimum), Hidden(minimum)
    return part, rest


def protect(parts: Sequence[list[Value]], column: int, minimum: int) -> None:
    """Complementary suppression in place: if exactly one row's `column` is hidden and the
    group shows its total elsewhere, hide the smallest shown non-zero count as well."""
    hidden = [row for row in parts if isinstance(row[column], Hidden)]
    if len(hidden) != 1:
        return
    shown = [row for row in parts if isinstance(row[column], int) and row[column] not in (0, None)]
    if shown:
        min(shown, key=lambda row: row[column])[column] = Hidden(minimum)  # type: ignore[arg-type,return-value]


def plain(value: Value) -> float:
    """A value for a chart: hidden and missing cells are drawn as 0 (tables mark them)."""
    return float(value) if isinstance(value, int | float) else 0.0
