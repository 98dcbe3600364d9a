"""Clinic observations from stored clinic adverts (kind `clinic`), for `scout clinics link`.

What a stored advert gives: its text and title (address and opening hours found in free
text), its phone numbers' pseudonyms, its price, and from the NLP stage's analysis of the
newest version the keyed hashes of the names it lists (the roster; the same keys escort
adverts carry, so a person is linked across both). The analysis keeps names, ages and
nationalities as separate sets, so a stated age and nationality go with a person only when
the advert names one person. The advert's photos go with a one-person roster too.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Advert, AdvertContact, AdvertVersion, ContactPoint, ImageHash
from nlp.clinics.rules import text_sign_rules
from pipeline.core.batches import in_batches
from pipeline.core.db import Database
from pipeline.stages.venues.linking import VenueRun, link_venues, mark_vanished
from pipeline.stages.venues.observations import ClinicObservation, RosterPerson


def _by_advert(session: Session, statement, ids: list[int]) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for batch in in_batches(statement, statement.selected_columns[0], ids):
        for advert_id, value in session.execute(batch):
            found[advert_id].append(value)
    return found


def _roster(analysis: dict | None, photos: list[str]) -> tuple[RosterPerson, ...]:
    keys = list((analysis or {}).get("name_keys") or [])
    if len(keys) != 1:
        return tuple(RosterPerson(None, key=key) for key in keys)
    ages = (analysis or {}).get("ages") or []
    nationalities = (analysis or {}).get("nationalities") or []
    return (
        RosterPerson(
            None,
            stated_age=ages[0] if len(ages) == 1 else None,
            nationality=nationalities[0] if len(nationalities) == 1 else None,
            image_hashes=tuple(sorted(photos)),
            key=keys[0],
        ),
    )


def _price(price: Decimal | None, currency: str | None) -> int | None:
    return int(price) if price is not None and (currency or "DKK").upper() == "DKK" else None


def stored_observations(session: Session) -> list[ClinicObservation]:
    """One observation per live clinic advert, as last seen."""
    adverts = session.scalars(
        select(Advert).where(Advert.kind == "clinic", Advert.gone_at.is_(None))
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
    newest: dict[int, dict | None] = {}
    versions = select(AdvertVersion.advert_id, AdvertVersion.analysis).order_by(
        AdvertVersion.seen_at
    )
    for advert_id, analysis in (
        row
        for batch in in_batches(versions, AdvertVersion.advert_id, ids)
        for row in session.execute(batch)
    ):
        newest[advert_id] = analysis  # the last one wins: the newest version
    return [
        ClinicObservation(
            advert_id=advert.id,
            seen_at=advert.last_seen,
            text=" ".join(part for part in (advert.title, advert.text) if part),
            phone_keys=tuple(sorted(set(phones.get(advert.id, [])))),
            price=_price(advert.price, advert.currency),
            language=advert.language,
            roster=_roster(newest.get(advert.id), photos.get(advert.id, [])),
        )
        for advert in adverts
    ]


def link_stored(database: Database, now: datetime) -> VenueRun:
    """Link every live clinic advert into venues and mark quiet venues vanished, in one
    transaction (the stage `scout clinics link` runs)."""
    with database.session() as session:
        run = link_venues(
            session, database.keyring, stored_observations(session), text_sign_rules()
        )
        mark_vanished(session, now, run)
    return run
