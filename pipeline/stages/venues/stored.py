"""Clinic observations from stored clinic adverts (kind `clinic`), for `scout clinics link`.

An observation is what an advert said at one crawl that saw it (a sighting), read from the
version then in effect. What a stored advert gives: the clinic fields its site file read
(address, opening hours, venue name, the roster with names, ages, nationalities, languages
and photo hashes; one sealed document, `spiders.items.read_clinic_document`), its text and
title (address and opening hours also found in free text), its phone numbers' pseudonyms,
its price, and, without a roster from the page, from the NLP stage's analysis of the
version the keyed hashes of the names it lists (the roster; the same keys escort
adverts carry, so a person is linked across both) with the names behind them, which the
version keeps sealed so that key rotation can re-key the roster. The analysis keeps names, ages and
nationalities as separate sets, so a stated age and nationality go with a person only when
the advert names one person. The advert's photos go with a one-person roster too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Subquery, func, or_, select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    ContactPoint,
    ImageHash,
    Sighting,
    VenueAdvert,
)
from nlp.clinics.rules import text_sign_rules
from pipeline.core.batches import in_batches
from pipeline.core.db import Database
from pipeline.stages.venues.linking import VenueRun, link_venues, mark_vanished
from pipeline.stages.venues.observations import ClinicObservation, RosterPerson
from spiders.items import RosterMember, read_clinic_document


def _by_advert(session: Session, statement, ids: list[int]) -> dict[int, list]:
    """The statement's rows by their first column (an advert id), for the adverts `ids`: the
    second column, or the rest of the row as a tuple."""
    found: dict[int, list] = defaultdict(list)
    for batch in in_batches(statement, statement.selected_columns[0], ids):
        for advert_id, *rest in session.execute(batch):
            found[advert_id].append(rest[0] if len(rest) == 1 else tuple(rest))
    return found


def _roster(
    analysis: dict | None, photos: list[str], kept: str | None = None
) -> tuple[RosterPerson, ...]:
    keys = list((analysis or {}).get("name_keys") or [])
    # the names behind the keys, kept sealed on the version (older versions: none), so the
    # roster entry keeps its name sealed and key rotation can re-make its key
    names: dict[str, str] = json.loads(kept) if kept else {}
    if len(keys) != 1:
        return tuple(RosterPerson(names.get(key), key=key) for key in keys)
    ages = (analysis or {}).get("ages") or []
    nationalities = (analysis or {}).get("nationalities") or []
    return (
        RosterPerson(
            names.get(keys[0]),
            stated_age=ages[0] if len(ages) == 1 else None,
            nationality=nationalities[0] if len(nationalities) == 1 else None,
            image_hashes=tuple(sorted(photos)),
            key=keys[0],
        ),
    )


def _price(price: Decimal | None, currency: str | None) -> int | None:
    return int(price) if price is not None and (currency or "DKK").upper() == "DKK" else None


def _linked_until() -> Subquery:
    """The newest sighting venue linking has taken from each advert (a watermark)."""
    return (
        select(VenueAdvert.advert_id, func.max(VenueAdvert.last_seen).label("until"))
        .group_by(VenueAdvert.advert_id)
        .subquery()
    )


def _times(session: Session, adverts: Sequence[Advert]) -> dict[int, list[datetime]]:
    """Advert id → the times to read it at: its sightings after the watermark (only those
    are read), and when it was last seen; oldest first."""
    until = _linked_until()
    statement = (
        select(Sighting.advert_id, Sighting.seen_at)
        .outerjoin(until, until.c.advert_id == Sighting.advert_id)
        .where(or_(until.c.until.is_(None), Sighting.seen_at > until.c.until))
    )
    sightings = _by_advert(session, statement, [a.id for a in adverts])
    return {a.id: sorted({*sightings.get(a.id, []), a.last_seen}) for a in adverts}


def _versions_at(
    session: Session, times: dict[int, list[datetime]]
) -> dict[tuple[int, datetime], AdvertVersion]:
    """(advert id, time) → the newest version seen by then (a time before the first version:
    the first). Only those versions are read whole (their sealed text opened)."""
    statement = select(AdvertVersion.advert_id, AdvertVersion.id, AdvertVersion.seen_at).order_by(
        AdvertVersion.seen_at, AdvertVersion.id
    )
    dated = _by_advert(session, statement, list(times))
    chosen: dict[tuple[int, datetime], int] = {}
    for advert_id, own in dated.items():
        for seen_at in times[advert_id]:
            chosen[advert_id, seen_at] = next(
                (v for v, at in reversed(own) if at <= seen_at), own[0][0]
            )
    versions: dict[int, AdvertVersion] = {}
    for batch in in_batches(select(AdvertVersion), AdvertVersion.id, sorted(set(chosen.values()))):
        versions.update((v.id, v) for v in session.scalars(batch))
    return {at: versions[version_id] for at, version_id in chosen.items()}


def _person(member: RosterMember) -> RosterPerson:
    return RosterPerson(
        member.name, member.stated_age, member.nationality, member.image_hashes, member.languages
    )


def _observation(
    advert: Advert, seen_at: datetime, version: AdvertVersion | None, phones: list[str],
    photos: list[str],
) -> ClinicObservation:  # fmt: skip
    """What the advert said at `seen_at`: the version then in effect (else the advert; a
    version stored without its text, as some tests store them, reads the advert's)."""
    shown = version if version is not None else advert
    fields, members = read_clinic_document(shown.clinic)
    worded = shown if shown.title or shown.text else advert
    priced = shown if shown.price is not None else advert
    return ClinicObservation(
        advert_id=advert.id,
        seen_at=seen_at,
        text=" ".join(part for part in (worded.title, worded.text) if part),
        address=fields["address"],
        opening_hours=fields["opening_hours"],
        venue_name=fields["venue_name"],
        phone_keys=tuple(sorted(set(phones))),
        price=_price(priced.price, priced.currency),
        language=advert.language,
        # The page's own roster when the site file reads one; else the analysis's name keys.
        roster=tuple(_person(m) for m in members)
        if members
        else _roster(
            version.analysis if version is not None else None,
            photos,
            version.names if version is not None else None,
        ),
    )


def stored_observations(session: Session) -> list[ClinicObservation]:
    """What every live clinic advert said at each crawl that saw it since venue linking last
    took it (its sightings), and as last seen: so one run after several crawls still sees
    each week's roster, address and name in turn. A gone advert gives the sightings not
    yet taken."""
    linked_until = _linked_until()
    # Live adverts, and gone ones with sightings venue linking has not taken yet (an advert
    # that closed between two runs still tells its last weeks).
    adverts = session.scalars(
        select(Advert)
        .outerjoin(linked_until, linked_until.c.advert_id == Advert.id)
        .where(
            Advert.kind == "clinic",
            or_(
                Advert.gone_at.is_(None),
                linked_until.c.until.is_(None),
                linked_until.c.until < Advert.last_seen,
            ),
        )
    ).all()
    ids = [a.id for a in adverts]
    phones = _by_advert(
        session,
        select(AdvertContact.advert_id, ContactPoint.pseudonym)
        .join(ContactPoint, ContactPoint.id == AdvertContact.contact_point_id)
        .where(ContactPoint.kind == "phone"),
        ids,
    )
    photos = _by_advert(session, select(ImageHash.advert_id, ImageHash.phash), ids)
    times = _times(session, adverts)
    versions = _versions_at(session, times)
    return [
        _observation(
            advert, seen_at, versions.get((advert.id, seen_at)), phones.get(advert.id, []),
            photos.get(advert.id, []),
        )
        for advert in adverts
        for seen_at in times[advert.id]
    ]  # fmt: skip


def link_stored(database: Database, now: datetime) -> VenueRun:
    """Link every live clinic advert into venues and mark quiet venues vanished, in one
    transaction (the stage `scout clinics link` runs)."""
    with database.session() as session:
        run = link_venues(
            session, database.keyring, stored_observations(session), text_sign_rules()
        )
        mark_vanished(session, now, run)
    return run
