"""What a crawl yields: an advert as seen now, or word that an advert is gone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass
class AdvertItem:
    site: str
    external_id: str
    url: str
    fetched_at: datetime
    kind: str = "escort"  # the site file's kind (pipeline/core/kinds.py)
    title: str | None = None
    text: str | None = None
    city: str | None = None
    stated_age: int | None = None
    price: Decimal | None = None
    currency: str | None = None
    posted_at: datetime | None = None
    contacts: list[str] = field(default_factory=list)  # raw, as the page wrote them
    image_hashes: list[str] = field(default_factory=list)  # perceptual hashes, hex
    empty_fields: list[str] = field(default_factory=list)  # required fields found empty
    refused: list[str] = field(
        default_factory=list
    )  # side requests refused, e.g. "reveal: HTTP 403"


@dataclass
class GoneItem:
    """The advert's own page answered 404 or 410."""

    site: str
    external_id: str
    url: str
    status: int
    fetched_at: datetime
