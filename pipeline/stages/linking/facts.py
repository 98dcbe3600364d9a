"""What the cross-advert indicators and scores read about each advert (plain records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class AdvertFacts:
    advert_id: int
    site: str
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None = None
    contacts: tuple[str, ...] = ()  # pseudonyms, never values
    name_keys: frozenset[str] = frozenset()  # keyed hashes of stated names
    age: int | None = None
    nationalities: tuple[str, ...] = ()
    timeline: list[tuple[datetime, str]] = field(default_factory=list)  # (seen, city)
    languages: tuple[str, ...] = ()
    price: float | None = None
    currency: str | None = None
    region: str | None = None
    # rule_id -> {"weight", "category", "ruleset_version", "evidence"} of the latest version
    hits: dict[str, dict[str, Any]] = field(default_factory=dict)
    kind: str = "escort"  # pipeline/core/kinds.py
    # another kind's fields from the latest analysis (`analysis[kind]`, e.g. a job's wages)
    kind_record: dict[str, Any] = field(default_factory=dict)
