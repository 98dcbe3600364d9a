"""The demo clinic world stored as clinic adverts, linked into venues (issue 15 tests).

Stores one Advert (kind clinic) per (site, external id), an escort advert that shares a
concern venue's phone and one foreign person's photos (in an escort cluster), then links
the world's observations week by week, as the weekly crawl would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from demo.clinics import START, ClinicAdvert, ClinicWorld, build_clinic_world
from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    Cluster,
    ClusterMember,
    ContactPoint,
    ImageHash,
    Site,
)
from nlp.clinics.rules import text_sign_rules
from pipeline.core.db import Database
from pipeline.core.keys import Keyring
from pipeline.stages.venues import ClinicObservation, RosterPerson, link_venues, mark_vanished


@dataclass
class StoredWorld:
    world: ClinicWorld
    advert_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    escort_advert_id: int = 0
    escort_cluster_id: int = 0
    end: datetime = START

    def venue_adverts(self, venue: str) -> list[int]:
        return sorted(
            self.advert_ids[(a.site, a.external_id)] for a in self.world.adverts if a.venue == venue
        )


def observation(keyring: Keyring, advert: ClinicAdvert, advert_id: int) -> ClinicObservation:
    return ClinicObservation(
        advert_id=advert_id,
        seen_at=advert.seen_at,
        text=advert.text,
        address=advert.address_field,
        opening_hours=advert.hours_field,
        venue_name=advert.name,
        phone_keys=(keyring.pseudonym("phone", advert.phone),),
        price=advert.price,
        language=advert.language,
        roster=tuple(
            RosterPerson(p.name, p.age, p.nationality, p.photos, p.languages) for p in advert.roster
        ),
    )


def _store_adverts(session: Session, keyring: Keyring, world: ClinicWorld) -> dict:
    sites = {}
    for name in {a.site for a in world.adverts}:
        site = Site(name=name, base_url="http://127.0.0.1:8900")
        session.add(site)
        sites[name] = site
    session.flush()
    ids: dict[tuple[str, str], int] = {}
    for advert in world.adverts:
        key = (advert.site, advert.external_id)
        if key in ids:
            row = session.get(Advert, ids[key])
            row.last_seen = max(row.last_seen, advert.seen_at)
            continue
        row = Advert(
            site_id=sites[advert.site].id, external_id=advert.external_id, kind="clinic",
            url=f"http://127.0.0.1:8900/{advert.site}/{advert.external_id}",
            first_seen=advert.seen_at, last_seen=advert.seen_at, region=None,
            content_hash=keyring.content_hash(advert.text),
        )  # fmt: skip
        session.add(row)
        session.flush()
        ids[key] = row.id
    return ids


def _store_escort(session: Session, keyring: Keyring, world: ClinicWorld) -> tuple[int, int]:
    """One escort advert with a concern venue's phone and person f0's photos, clustered."""
    site = session.scalar(select(Site).where(Site.name == "demo_clinics"))
    advert = Advert(
        site_id=site.id, external_id="escort-1", kind="escort", url="http://127.0.0.1:8900/e/1",
        first_seen=START, last_seen=START, content_hash=keyring.content_hash("escort"),
    )  # fmt: skip
    session.add(advert)
    session.flush()
    phone = world.escort_phones[0]
    point = ContactPoint(
        kind="phone", value=phone, pseudonym=keyring.pseudonym("phone", phone),
        key_id=keyring.key_id, country="DK",
    )  # fmt: skip
    session.add(point)
    session.flush()
    session.add(AdvertContact(advert_id=advert.id, contact_point_id=point.id))
    for position, photo in enumerate(world.persons["f0"].photos):
        session.add(ImageHash(advert_id=advert.id, phash=photo, position=position))
    cluster = Cluster(first_seen=START, last_seen=START, size=1)
    session.add(cluster)
    session.flush()
    session.add(ClusterMember(cluster_id=cluster.id, advert_id=advert.id))
    return advert.id, cluster.id


def store_and_link(database: Database, world: ClinicWorld | None = None) -> StoredWorld:
    world = world or build_clinic_world()
    keyring = database.keyring
    stored = StoredWorld(world)
    signs = text_sign_rules()
    with database.session() as session:
        stored.advert_ids = _store_adverts(session, keyring, world)
        stored.escort_advert_id, stored.escort_cluster_id = _store_escort(session, keyring, world)
    weeks = sorted({a.week for a in world.adverts})
    for week in weeks:
        with database.session() as session:
            batch = [
                observation(keyring, a, stored.advert_ids[(a.site, a.external_id)])
                for a in world.adverts
                if a.week == week
            ]
            link_venues(session, keyring, batch, signs)
            stored.end = max(a.seen_at for a in world.adverts if a.week == week)
            mark_vanished(session, stored.end + timedelta(days=1))
    return stored


def _site(session: Session, name: str) -> Site:
    site = session.scalar(select(Site).where(Site.name == name))
    if site is None:
        site = Site(name=name, base_url="http://127.0.0.1:8900")
        session.add(site)
        session.flush()
    return site


def _phone(session: Session, keyring: Keyring, phone: str) -> ContactPoint:
    pseudonym = keyring.pseudonym("phone", phone)
    point = session.scalar(select(ContactPoint).where(ContactPoint.pseudonym == pseudonym))
    if point is None:
        point = ContactPoint(kind="phone", value=phone, pseudonym=pseudonym, key_id=keyring.key_id)
        session.add(point)
        session.flush()
    return point


def store_analysed_week(
    database: Database, world: ClinicWorld, week: int, site_name: str = "demo_massage"
) -> None:
    """One week of a site's clinic adverts as the crawl and the NLP stage leave them: the
    advert (kept over the weeks, the page updated), its phone, and a version whose analysis
    holds the roster's names as keyed hashes, the names kept sealed beside them (what
    `pipeline.stages.analysis` stores for a clinic version), under the database's key now."""
    keyring = database.keyring
    with database.session() as session:
        site = _site(session, site_name)
        for advert in (a for a in world.adverts if a.week == week and a.site == site_name):
            row = session.scalar(
                select(Advert).where(
                    Advert.site_id == site.id, Advert.external_id == advert.external_id
                )
            )
            if row is None:
                row = Advert(
                    site_id=site.id, external_id=advert.external_id, kind="clinic",
                    url="http://127.0.0.1:8900/x", first_seen=advert.seen_at,
                    last_seen=advert.seen_at, content_hash=keyring.content_hash(advert.text),
                )  # fmt: skip
                session.add(row)
                session.flush()
                point = _phone(session, keyring, advert.phone)
                session.add(AdvertContact(advert_id=row.id, contact_point_id=point.id))
            row.last_seen, row.title, row.text = advert.seen_at, advert.name, advert.text
            row.price, row.currency = advert.price, "DKK"
            names = {
                keyring.pseudonym("name", p.name.casefold())[:16]: p.name for p in advert.roster
            }
            session.add(
                AdvertVersion(
                    advert_id=row.id,
                    seen_at=advert.seen_at,
                    content_hash=keyring.content_hash(advert.text),
                    analysis={"name_keys": sorted(names), "ages": [], "nationalities": []},
                    names=json.dumps(names, ensure_ascii=False),
                )
            )


def bare_clinic_adverts(database: Database, site_name: str, ids: list[int], at: datetime) -> None:
    """Clinic adverts with these ids and nothing but what a row needs, on a new site: for
    tests that link observations made in memory (venue rows refer to their adverts)."""
    with database.session() as session:
        site = Site(name=site_name, base_url="http://127.0.0.1:8900")
        session.add(site)
        session.flush()
        session.execute(
            insert(Advert),
            [{"id": i, "site_id": site.id, "external_id": str(i), "kind": "clinic",
              "url": "http://127.0.0.1:8900/", "first_seen": at, "last_seen": at,
              "content_hash": "0" * 64} for i in ids],
        )  # fmt: skip
