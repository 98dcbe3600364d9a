"""Storing what a crawl saw: upsert adverts, new versions on change, sightings, contacts.

Data functions: the caller owns the session and the transaction. One call stores
a batch of items in a few statements, so a crawl never commits per advert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    ContactPoint,
    ImageHash,
    Sighting,
    Suppression,
)
from nlp.contacts import ContactMatch
from nlp.fields import find_cities
from pipeline.core.keys import Keyring
from spiders.items import AdvertItem, clinic_document

ContactFinder = Callable[[str], list[ContactMatch]]
# Messenger links carry a phone number: stored as that phone, the messenger kept as source.
_CONTACT_KIND = {
    "phone": "phone",
    "whatsapp": "phone",
    "signal": "phone",
    "email": "email",
    "telegram": "telegram",
}


@dataclass
class IngestCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    suppressed: int = 0
    contacts: int = 0

    @property
    def total(self) -> int:
        """Adverts stored: new, changed or seen again unchanged."""
        return self.new + self.changed + self.unchanged

    def add(self, other: IngestCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class FoundContact:
    kind: str
    value: str
    source: str
    obscured: str
    start: int | None
    end: int | None
    country: str | None
    number_type: str | None


@dataclass
class _Prepared:
    item: AdvertItem
    city: str | None
    unknown_city: str | None
    region: str | None
    content_hash: str
    contacts_hash: str
    contacts: list[FoundContact] = field(default_factory=list)
    clinic: str | None = None  # the clinic fields' JSON document (sealed by the column)


def default_contact_finder() -> ContactFinder:
    from nlp.contacts import find_contacts

    return find_contacts


def found_contacts(item: AdvertItem, finder: ContactFinder) -> list[FoundContact]:
    """Contact points in the advert text, in fields the page gave, and in the title."""
    found: dict[tuple[str, str], FoundContact] = {}

    def take(matches: Iterable[ContactMatch], source: str, spans: bool) -> None:
        for match in matches:
            kind = _CONTACT_KIND.get(match.kind)
            if kind is None or (kind, match.value) in found:
                continue
            origin = match.kind if match.kind in ("whatsapp", "signal") else source
            found[(kind, match.value)] = FoundContact(
                kind,
                match.value,
                origin,
                match.obscured,
                match.start if spans else None,
                match.end if spans else None,
                match.country,
                match.number_type,
            )

    take(finder(item.text or ""), "text", spans=True)
    for raw in item.contacts:
        take(finder(raw), "field", spans=False)
    take(finder(item.title or ""), "title", spans=False)
    return list(found.values())


def _canonical_city(raw: str | None) -> tuple[str | None, str | None, str | None]:
    """(gazetteer city, region, unknown city): only the gazetteer's names stay in clear."""
    if not raw or not raw.strip():
        return None, None, None
    mentions = find_cities(raw)
    if mentions:
        return mentions[0].city, mentions[0].region, None
    # Anything else may be a phone number or an e-mail address: sealed, never in clear.
    return None, None, raw.strip()[:500]


def content_text(title: str | None, text: str | None) -> str:
    """What an advert's content hash is taken over (also re-keyed by `scout keys rotate`)."""
    return "\x1f".join([title or "", text or ""])


def contacts_text(contacts: Iterable[tuple[str, str]]) -> str:
    """What an advert's contacts hash is taken over: its (kind, value) pairs, sorted."""
    return "\x1f".join(sorted(f"{kind}:{value}" for kind, value in contacts))


def prepare(item: AdvertItem, keyring: Keyring, finder: ContactFinder) -> _Prepared:
    contacts = found_contacts(item, finder)
    city, region, unknown_city = _canonical_city(item.city)
    return _Prepared(
        item,
        city,
        unknown_city,
        region,
        keyring.content_hash(content_text(item.title, item.text)),
        keyring.content_hash(contacts_text((c.kind, c.value) for c in contacts)),
        contacts,
        clinic_document(item),
    )


def _apply_content(advert: Advert, prepared: _Prepared) -> None:
    item = prepared.item
    advert.title, advert.text = item.title, item.text
    advert.city, advert.region = prepared.city, prepared.region
    advert.unknown_city = prepared.unknown_city
    advert.country = "DK" if prepared.region else advert.country
    advert.stated_age, advert.price, advert.currency = item.stated_age, item.price, item.currency
    advert.content_hash, advert.contacts_hash = prepared.content_hash, prepared.contacts_hash
    advert.clinic = prepared.clinic


def _new_version(advert: Advert, prepared: _Prepared, seen_at: datetime) -> AdvertVersion:
    item = prepared.item
    return AdvertVersion(
        advert_id=advert.id,
        seen_at=seen_at,
        title=item.title,
        text=item.text,
        city=prepared.city,
        unknown_city=prepared.unknown_city,
        region=prepared.region,
        stated_age=item.stated_age,
        price=item.price,
        currency=item.currency,
        posted_at=item.posted_at,
        content_hash=prepared.content_hash,
        contacts_hash=prepared.contacts_hash,
        clinic=prepared.clinic,
    )


def _changed(advert: Advert, prepared: _Prepared) -> bool:
    """A new version when the text, city or contacts change, or a clinic's own fields (a
    new roster, an address, hours or a name; compared unsealed, in memory)."""
    old = (advert.content_hash, advert.city, advert.unknown_city, advert.contacts_hash)
    new = (prepared.content_hash, prepared.city, prepared.unknown_city, prepared.contacts_hash)
    return old != new or advert.clinic != prepared.clinic


def _contact_points(
    session: Session, keyring: Keyring, prepared: Sequence[_Prepared]
) -> dict[tuple[str, str], ContactPoint]:
    """Existing or new contact points for every contact in the batch, by (kind, value)."""
    wanted = {(c.kind, c.value): c for p in prepared for c in p.contacts}
    pseudonyms = {key: keyring.pseudonym(*key) for key in wanted}
    existing = {
        (point.kind, point.pseudonym): point
        for point in session.scalars(
            select(ContactPoint).where(ContactPoint.pseudonym.in_(set(pseudonyms.values())))
        )
    }
    points = {}
    for key, contact in wanted.items():
        point = existing.get((contact.kind, pseudonyms[key]))
        if point is None:
            point = ContactPoint(
                kind=contact.kind,
                value=contact.value,
                pseudonym=pseudonyms[key],
                key_id=keyring.key_id,
                country=contact.country,
                number_type=contact.number_type,
            )
            session.add(point)
        points[key] = point
    session.flush()
    return points


def _suppressed_pseudonyms(session: Session, points: Iterable[ContactPoint]) -> set[str]:
    candidates = {point.pseudonym for point in points}
    if not candidates:
        return set()
    return set(
        session.scalars(
            select(Suppression.pseudonym).where(
                Suppression.pseudonym.in_(candidates), Suppression.lifted_at.is_(None)
            )
        )
    )


def _link(
    session: Session,
    advert: Advert,
    prepared: _Prepared,
    points: dict[tuple[str, str], ContactPoint],
    linked: set[tuple[int, int]],
) -> None:
    for contact in prepared.contacts:
        point = points[(contact.kind, contact.value)]
        if (advert.id, point.id) in linked:
            continue
        linked.add((advert.id, point.id))
        session.add(
            AdvertContact(
                advert_id=advert.id,
                contact_point_id=point.id,
                source=contact.source,
                obscured=contact.obscured,
                evidence_start=contact.start,
                evidence_end=contact.end,
            )
        )


def _create_new(session: Session, site_id: int, prepared: list[_Prepared]) -> dict[str, Advert]:
    """Insert the batch's new adverts in one flush, not one each (PostgreSQL: one INSERT …
    RETURNING for the batch; SQLite's ORM still sends a row at a time, in-process); their
    ids come in the batch's order."""
    created = {}
    for entry in prepared:
        item = entry.item
        advert = Advert(
            site_id=site_id,
            external_id=item.external_id,
            kind=item.kind,
            url=item.url,
            first_seen=item.fetched_at,
            last_seen=item.fetched_at,
        )
        _apply_content(advert, entry)
        session.add(advert)
        created[item.external_id] = advert
    if created:
        session.flush()
    return created


def store_adverts(
    session: Session,
    keyring: Keyring,
    site_id: int,
    run_id: int | None,
    items: Sequence[AdvertItem],
    listed: Callable[[str], bool] = lambda external_id: True,
    finder: ContactFinder | None = None,
) -> IngestCounts:
    """Upsert a batch of adverts of one site; `listed` says which count as sightings."""
    finder = finder or default_contact_finder()
    latest = {item.external_id: item for item in items}  # the same advert twice: last wins
    prepared = [prepare(item, keyring, finder) for item in latest.values()]
    counts = IngestCounts()
    existing = {
        advert.external_id: advert
        for advert in session.scalars(
            select(Advert).where(Advert.site_id == site_id, Advert.external_id.in_(list(latest)))
        )
    }
    points = _contact_points(session, keyring, prepared)
    suppressed = _suppressed_pseudonyms(session, points.values())
    advert_ids = [a.id for a in existing.values()]
    linked = {
        (advert_id, point_id)
        for advert_id, point_id in session.execute(
            select(AdvertContact.advert_id, AdvertContact.contact_point_id).where(
                AdvertContact.advert_id.in_(advert_ids)
            )
        )
    }
    sighted = (
        set()
        if run_id is None
        else set(
            session.scalars(
                select(Sighting.advert_id).where(
                    Sighting.crawl_run_id == run_id, Sighting.advert_id.in_(advert_ids)
                )
            )
        )
    )
    hashes = {
        tuple(row)
        for row in session.execute(
            select(ImageHash.advert_id, ImageHash.phash).where(ImageHash.advert_id.in_(advert_ids))
        )
    }
    created = _create_new(
        session, site_id, [p for p in prepared if p.item.external_id not in existing]
    )
    for entry in prepared:
        item = entry.item
        advert = existing.get(item.external_id)
        if advert is None:
            advert = created[item.external_id]
            session.add(_new_version(advert, entry, item.fetched_at))
            counts.new += 1
        else:
            if _changed(advert, entry):
                _apply_content(advert, entry)
                session.add(_new_version(advert, entry, item.fetched_at))
                counts.changed += 1
            else:
                counts.unchanged += 1
            advert.url = item.url
            advert.gone_at = None
        advert.posted_at = item.posted_at or advert.posted_at  # a page that lost it keeps it
        advert.side_refused = list(item.refused) or None  # as of this fetch
        is_listed = listed(item.external_id)
        if is_listed:
            advert.last_seen = max(advert.last_seen, item.fetched_at)
        if is_listed and run_id is not None and advert.id not in sighted:
            sighted.add(advert.id)
            session.add(Sighting(advert_id=advert.id, crawl_run_id=run_id, seen_at=item.fetched_at))
        _link(session, advert, entry, points, linked)
        counts.contacts += len(entry.contacts)
        if any(points[(c.kind, c.value)].pseudonym in suppressed for c in entry.contacts):
            advert.suppressed = True
            counts.suppressed += 1
        for position, phash in enumerate(item.image_hashes):
            if (advert.id, phash) not in hashes:
                hashes.add((advert.id, phash))
                session.add(ImageHash(advert_id=advert.id, phash=phash, position=position))
    session.flush()
    return counts
