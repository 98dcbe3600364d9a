"""JSON-ready ground-truth records of adverts, shared by the world and the scale iterator."""

from __future__ import annotations

from typing import Any

from demo.cities import CITY_BY_SLUG
from demo.model import Advert, Contact, Version


def _contact_truth(c: Contact) -> dict[str, str]:
    # Written out: dataclasses.asdict is 5x slower, and this is the scale iterator's hot path.
    return {
        "kind": c.kind,
        "value": c.value,
        "style": c.style,
        "shown": c.shown,
        "reveal": c.reveal,
    }


def _version_truth(v: Version) -> dict[str, Any]:
    return {
        "from_day": v.from_day,
        "title": v.title,
        "text": v.text,
        "city": v.city,
        "region": CITY_BY_SLUG[v.city].region,
        "contacts": [_contact_truth(c) for c in v.contacts],
        "distractors": list(v.distractors),
    }


def advert_truth(a: Advert, days: int, special: str | None = None) -> dict[str, Any]:
    """Everything true about one advert: who, where each day, which contacts and how written."""
    first = a.versions[0]
    contacts: dict[tuple[str, str], dict[str, Any]] = {}
    for v in a.versions:
        for c in v.contacts:
            contacts.setdefault((c.kind, c.value), _contact_truth(c))
    live = range(max(a.first_day, 0), min(a.last_day, days - 1) + 1)
    return {
        "site": a.site,
        "external_id": a.external_id,
        "path": f"/ad/{a.external_id}",
        "persona_id": a.persona_ids[0],
        "persona_ids": list(a.persona_ids),
        "controller_id": a.controller_id,
        "name": a.name,
        "age": a.age,
        "nationality": a.nationality,
        "languages": list(a.languages),
        "wording": a.wording,
        "price": a.price,
        "currency": a.currency,
        "image_ids": list(a.image_ids),
        "title": first.title,
        "text": first.text,
        "city": first.city,
        "region": CITY_BY_SLUG[first.city].region,
        "contacts": list(contacts.values()),
        "distractors": list(first.distractors),
        "first_day": a.first_day,
        "last_day": a.last_day,
        "live_days": list(live),
        "city_by_day": {str(d): a.version_on(d).city for d in live},
        "gone_status": a.gone_status,
        "kind": a.kind,
        "edited": len(a.versions) > 1,
        "special": special,
        "versions": [_version_truth(v) for v in a.versions],
    }
