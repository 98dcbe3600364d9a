"""k-anonymity and l-diversity over generalised rows: rows that break them are suppressed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass
class Enforced:
    kept: list[Row]
    suppressed: dict[str, int] = field(default_factory=dict)  # reason → rows

    @property
    def suppressed_total(self) -> int:
        return sum(self.suppressed.values())


def classes(rows: Sequence[Row], quasi: Sequence[str]) -> dict[tuple[Any, ...], list[Row]]:
    """Rows grouped by their quasi-identifier values (equivalence classes)."""
    grouped: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        grouped[tuple(row[name] for name in quasi)].append(row)
    return grouped


def breaks_l(members: Sequence[Row], sensitive: str, l_div: int) -> bool:
    """A class discloses a sensitive indicator when its members show it but show fewer than l
    distinct values of it (with l=2: every member has it). Absence alone discloses nothing."""
    values = {row[sensitive] for row in members}
    return any(bool(v) for v in values) and len(values) < l_div


def enforce(
    rows: Sequence[Row], quasi: Sequence[str], sensitive: Sequence[str], k: int, l_div: int
) -> Enforced:
    """Keep only equivalence classes with ≥ k rows and l-diverse in every sensitive column."""
    result = Enforced(kept=[], suppressed={"k-anonymity": 0, "l-diversity": 0})
    for _, members in sorted(classes(rows, quasi).items(), key=lambda kv: repr(kv[0])):
        if len(members) < k:
            result.suppressed["k-anonymity"] += len(members)
        elif any(breaks_l(members, column, l_div) for column in sensitive):
            result.suppressed["l-diversity"] += len(members)
        else:
            result.kept.extend(members)
    return result


def check(
    rows: Sequence[Row], quasi: Sequence[str], sensitive: Sequence[str], k: int, l_div: int
) -> bool:
    """Whether rows already meet k and l (what a written export must satisfy)."""
    return all(
        len(members) >= k and not any(breaks_l(members, s, l_div) for s in sensitive)
        for members in classes(rows, quasi).values()
    )
