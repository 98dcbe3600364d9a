"""Quasi-identifiers made coarse for exports: ISO week, region, age band, nationality group,
wage band."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 17, "under 18"),
    (18, 23, "18-23"),
    (24, 29, "24-29"),
    (30, 39, "30-39"),
    (40, 200, "40+"),
)
# Nationality words the rules record (any language, lower case) → a broad group.
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Asia", ("thai", "asia", "asiat", "azjat", "chin", "kines", "vietnam", "filip", "tajk")),
    (
        "Eastern Europe",
        (
            "roman",
            "rumæn",
            "rumän",
            "rumun",
            "ruman",
            "bulgar",
            "ukrain",
            "russ",
            "polsk",
            "polish",
            "hungar",
            "ungar",
        ),
    ),
    ("Latin America", ("latin", "brazil", "brasil", "colomb", "venezu")),
    ("Africa", ("nigeria", "afric", "afrik")),
)
NO_NATIONALITY = "not stated"
UNSPECIFIED = "unspecified"
SEVERAL = "several groups"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def iso_week(moment: datetime, tz: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def nationality_group(words: Iterable[str]) -> str:
    """One group for the nationalities an advert mentions; 'exotic' and the like → unspecified."""
    groups = set()
    for word in words:
        lowered = word.casefold()
        groups.add(
            next((g for g, stems in _GROUPS if any(s in lowered for s in stems)), UNSPECIFIED)
        )
    if not groups:
        return NO_NATIONALITY
    named = groups - {UNSPECIFIED}
    if len(named) > 1:
        return SEVERAL
    return named.pop() if named else UNSPECIFIED


WAGE_BANDS: tuple[tuple[float, str], ...] = ((100, "under 100"), (150, "100-149"), (200, "150-199"))


def wage_band(hourly_dkk: float | None) -> str:
    """DKK an hour as a band; 'not comparable' for per-piece pay or an unknown unit/currency."""
    if hourly_dkk is None:
        return "not comparable"
    return next((label for top, label in WAGE_BANDS if hourly_dkk < top), "200+")


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell
