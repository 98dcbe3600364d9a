"""Postcode → town → municipality → region, from the bundled table `postcodes.csv`.

No maintained PyPI package carries the Danish postcode and municipality data offline (the
DAWA clients call the web API; pgeocode downloads at run time), so Scout bundles the public
Dataforsyningen/DAWA data it needs: a subset (see the file's header and docs/clinics.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("postcodes.csv")


@dataclass(frozen=True)
class Place:
    postcode: str
    town: str
    municipality_code: str
    municipality: str
    region: str


@cache
def _ranges() -> tuple[tuple[int, int, tuple[str, str, str, str]], ...]:
    lines = [line for line in TABLE.read_text("utf-8").splitlines() if not line.startswith("#")]
    return tuple(
        (int(row["first"]), int(row["last"]),
         (row["town"], row["municipality_code"], row["municipality"], row["region"]))
        for row in csv.DictReader(lines)
    )  # fmt: skip


def lookup(postcode: str | int | None) -> Place | None:
    """The place a four-digit postcode belongs to; None when the table does not have it."""
    if postcode is None or not str(postcode).isdigit():
        return None
    number = int(postcode)
    for first, last, (town, code, municipality, region) in _ranges():
        if first <= number <= last:
            return Place(f"{number:04d}", town, code, municipality, region)
    return None


def municipalities(region: str | None = None) -> list[str]:
    """Municipality names in the table, optionally of one region."""
    names = {row[2][2] for row in _ranges() if region is None or row[2][3] == region}
    return sorted(names)


def regions() -> list[str]:
    return sorted({row[2][3] for row in _ranges()})
