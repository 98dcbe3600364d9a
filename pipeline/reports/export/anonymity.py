"""k-anonymity and l-diversity over generalised rows: rows that break them are suppressed.

k counts distinct persons in an equivalence class, not rows: many adverts of one person
(one cluster) would otherwise make a class of one person look like a crowd.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.errors import ScoutError

Row = dict[str, Any]
Person = Callable[[Row], Hashable]
# Floors no setting can lower (PRIVACY rule 12: l >= 2; k below 5 protects nobody).
K_FLOOR = 5
L_FLOOR = 2


def row_identity(row: Row) -> Hashable:
    """Each row its own person: for tables with one row per person."""
    return id(row)


def require_floors(k: int, l_div: int) -> None:
    """Refuse an export whose k or l is below the floor, whatever the settings say."""
    if k < K_FLOOR or l_div < L_FLOOR:
        raise ScoutError(
            f"refused: k={k}, l={l_div} is below the floor k>={K_FLOOR}, l>={L_FLOOR} "
            "(PRIVACY rule 12; nothing written)",
            code="export-floor",
            k=k,
            l=l_div,
            k_floor=K_FLOOR,
            l_floor=L_FLOOR,
        )


def people(members: Sequence[Row], person: Person) -> int:
    """Distinct persons among a class's rows."""
    return len({person(row) for row in members})


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
    rows: Sequence[Row],
    quasi: Sequence[str],
    sensitive: Sequence[str],
    k: int,
    l_div: int,
    person: Person = row_identity,
) -> Enforced:
    """Keep only equivalence classes with ≥ k persons and l-diverse in every sensitive column."""
    result = Enforced(kept=[], suppressed={"k-anonymity": 0, "l-diversity": 0})
    for _, members in sorted(classes(rows, quasi).items(), key=lambda kv: repr(kv[0])):
        if people(members, person) < k:
            result.suppressed["k-anonymity"] += len(members)
        elif any(breaks_l(members, column, l_div) for column in sensitive):
            result.suppressed["l-diversity"] += len(members)
        else:
            result.kept.extend(members)
    return result


def check(
    rows: Sequence[Row],
    quasi: Sequence[str],
    sensitive: Sequence[str],
    k: int,
    l_div: int,
    person: Person = row_identity,
) -> bool:
    """Whether rows already meet k and l (what a written export must satisfy): enforcing
    them would suppress nothing."""
    return enforce(rows, quasi, sensitive, k, l_div, person).suppressed_total == 0
