"""What a crawl yields: an advert as seen now, or word that an advert is gone."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class RosterMember:
    """A person a clinic page lists "today": as written, never a contact value or an image."""

    name: str | None = None
    stated_age: int | None = None
    nationality: str | None = None
    languages: tuple[str, ...] = ()
    image_hashes: tuple[str, ...] = ()  # perceptual hashes of the person's photos, hex


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
    # Clinic adverts only (kind clinic): the place and who is listed there today.
    address: str | None = None
    opening_hours: str | None = None
    venue_name: str | None = None
    roster: list[RosterMember] = field(default_factory=list)


def clinic_document(item: AdvertItem) -> str | None:
    """A clinic advert's own fields as one JSON document (stored sealed); None without any."""
    if not (item.address or item.opening_hours or item.venue_name or item.roster):
        return None
    return json.dumps(
        {
            "address": item.address,
            "opening_hours": item.opening_hours,
            "venue_name": item.venue_name,
            "roster": [asdict(person) for person in item.roster],
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def read_clinic_document(
    document: str | None,
) -> tuple[dict[str, str | None], list[RosterMember]]:
    """The stored document's address, opening_hours and venue_name, and its roster."""
    data = json.loads(document) if document else {}
    fields = {name: data.get(name) for name in ("address", "opening_hours", "venue_name")}
    roster = [
        RosterMember(
            name=person.get("name"),
            stated_age=person.get("stated_age"),
            nationality=person.get("nationality"),
            languages=tuple(person.get("languages") or ()),
            image_hashes=tuple(person.get("image_hashes") or ()),
        )
        for person in data.get("roster") or []
    ]
    return fields, roster


@dataclass
class GoneItem:
    """The advert's own page answered 404 or 410."""

    site: str
    external_id: str
    url: str
    status: int
    fetched_at: datetime
