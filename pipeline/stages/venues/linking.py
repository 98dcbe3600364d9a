"""Venue linking: clinic observations → venues with stable ids, rosters and events.

An observation joins the venue that already holds its advert; else the venue at the same
address (keyed hash of street, number and postcode); else one sharing a phone (pseudonym),
a name it trades under (keyed), or two or more roster photos, if that venue has not been
seen for MOVE_AFTER (two places advertised in the same days are two venues). A venue's
address changing (its own advert updated, or joined by phone, name or photos) is a move;
a new name is a rename; a roster that differs from
the venue's previous day is a roster change. Event ids are derived from what happened, so
linking the same observations again writes nothing new.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import ImageHash, RosterEntry, Venue, VenueAdvert, VenueEvent
from models.analysis import ClusterMember
from nlp.clinics.address import Address
from pipeline.core.batches import in_batches
from pipeline.core.keys import Keyring
from pipeline.stages.venues.observations import ClinicObservation, RosterPerson

VANISHED_AFTER = timedelta(days=14)
MIN_SHARED_PHOTOS = 2
# A venue quiet this long may reappear elsewhere (moved) under its phone, name or photos.
MOVE_AFTER = timedelta(days=2)


@dataclass
class VenueRun:
    observations: int = 0
    venues_new: int = 0
    events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    without_address: int = 0
    event_ids: set[str] = field(default_factory=set)  # every event id known (loaded once)


def _name_fold(name: str) -> str:
    return re.sub(r"[^\w]+", "", name.casefold())


def address_key(keyring: Keyring, address: Address) -> str:
    """The keyed hash venues are linked by: street, number and postcode (never stored plain)."""
    return keyring.pseudonym("address", address.building_key)


def venue_name_key(keyring: Keyring, name: str) -> str:
    return keyring.pseudonym("venue-name", _name_fold(name))


def photos_key(keyring: Keyring, photos: tuple[str, ...] | list[str]) -> str:
    return keyring.pseudonym("photos", ",".join(sorted(photos)))[:16]


def person_key(keyring: Keyring, person: RosterPerson) -> str:
    """The keyed hash a roster person is linked by: the name as written (case-folded), the
    same key the analysis stage stores for names in escort adverts, else the photo set."""
    if person.key:
        return person.key
    if person.name:
        return keyring.pseudonym("name", person.name.casefold())[:16]
    return photos_key(keyring, person.image_hashes)


def _event_id(venue: Venue, kind: str, at: datetime, detail: dict[str, Any]) -> str:
    basis = f"{venue.stable_id}|{kind}|{at.date().isoformat()}|{sorted(detail.items())}"
    return f"{venue.stable_id}-{kind}-{hashlib.sha256(basis.encode()).hexdigest()[:16]}"


def _add_event(
    session: Session, run: VenueRun, venue: Venue, kind: str, at: datetime, **detail: Any
) -> None:
    event_id = _event_id(venue, kind, at, detail)
    if event_id not in run.event_ids:
        run.event_ids.add(event_id)
        session.add(
            VenueEvent(event_id=event_id, venue_id=venue.id, at=at, kind=kind, detail=detail)
        )
        run.events[kind] += 1


def _area(venue: Venue) -> dict[str, str | None]:
    return {"postcode": venue.postcode, "municipality": venue.municipality}


class _Index:
    """The venues by link key, loaded once per run and kept current as venues change."""

    def __init__(self, session: Session) -> None:
        self.by_address: dict[str, Venue] = {}
        self.by_phone: dict[str, Venue] = {}
        self.by_name: dict[str, Venue] = {}
        self.by_photo: dict[str, set[int]] = defaultdict(set)
        self.by_id: dict[int, Venue] = {}
        # in id order: the first venue holding a phone or name keeps it in the index, so the
        # result must not depend on the order the database returns rows in (PostgreSQL
        # returns an updated row after the others)
        for venue in session.scalars(select(Venue).order_by(Venue.id)):
            self.add(venue)
        # venue id → day → person keys on the roster that day
        self.rosters: dict[int, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
        rows = session.execute(
            select(
                RosterEntry.venue_id, RosterEntry.seen_on, RosterEntry.person_key,
                RosterEntry.image_hashes,
            )
        )  # fmt: skip
        for venue_id, seen_on, key, photos in rows:
            self.rosters[venue_id][seen_on].add(key)
            for photo in photos or ():
                self.by_photo[photo].add(venue_id)
        # advert id → (venue advert row id, venue id)
        self.held: dict[int, tuple[int, int]] = {
            advert_id: (row_id, venue_id)
            for row_id, venue_id, advert_id in session.execute(
                select(VenueAdvert.id, VenueAdvert.venue_id, VenueAdvert.advert_id)
            )
        }
        self.advert_seen: dict[int, datetime] = {}  # venue advert row id → newest sighting
        self.new_rows: dict[tuple[int, int], VenueAdvert] = {}  # (venue, advert) → row added
        self.escort_clusters: dict[str, int] = {}

    def add(self, venue: Venue) -> None:
        self.by_id[venue.id] = venue
        if venue.address_key:
            self.by_address[venue.address_key] = venue
        for key in venue.phone_keys or ():
            self.by_phone.setdefault(key, venue)
        for key in venue.name_keys or ():
            self.by_name.setdefault(key, venue)

    def by_photos(self, photos: list[str]) -> Venue | None:
        counts: dict[int, int] = defaultdict(int)
        for photo in set(photos):
            for venue_id in self.by_photo.get(photo, ()):
                counts[venue_id] += 1
        best = max(counts.items(), key=lambda item: (item[1], -item[0]), default=None)
        return self.by_id[best[0]] if best and best[1] >= MIN_SHARED_PHOTOS else None


def _find(
    session: Session, index: _Index, obs: ClinicObservation, link_key: str | None,
    name_key: str | None,
) -> Venue | None:  # fmt: skip
    held = index.held.get(obs.advert_id)
    if held is not None:
        return index.by_id.get(held[1]) or session.get(Venue, held[1])

    if link_key and link_key in index.by_address:
        return index.by_address[link_key]
    candidates = [index.by_phone.get(key) for key in obs.phone_keys]
    candidates.append(index.by_name.get(name_key) if name_key else None)
    candidates.append(index.by_photos([p for person in obs.roster for p in person.image_hashes]))
    for venue in candidates:
        if venue is not None and _may_have_moved(venue, obs, link_key):
            return venue
    return None


def _may_have_moved(venue: Venue, obs: ClinicObservation, link_key: str | None) -> bool:
    """A shared phone, name or photo set joins a venue at another address only if that venue
    has gone quiet: two places advertised in the same days are two venues (sharing a phone
    is then a sign for screening, not a move)."""
    if link_key is None or venue.address_key is None:
        return True
    return venue.last_seen < obs.seen_at - MOVE_AFTER


def _new_venue(session: Session, index: _Index, seen_at: datetime) -> Venue:
    venue = Venue(stable_id="pending", first_seen=seen_at, last_seen=seen_at)
    session.add(venue)
    session.flush()
    venue.stable_id = f"V{venue.id}"
    index.by_id[venue.id] = venue
    return venue


def _update_place(
    session: Session, run: VenueRun, index: _Index, venue: Venue, obs: ClinicObservation,
    link_key: str | None, is_new: bool,
) -> None:  # fmt: skip
    address = obs.parsed_address
    if address is None or link_key is None or link_key == venue.address_key:
        return
    if obs.seen_at < venue.last_seen:  # older news never moves a venue back
        return
    before = _area(venue) if venue.address_key else None
    venue.address = address.display()
    venue.address_key = link_key
    if address.place is not None:
        venue.postcode, venue.municipality = address.place.postcode, address.place.municipality
        venue.region = address.place.region
    index.by_address[link_key] = venue
    if before is not None and not is_new:
        _add_event(
            session, run, venue, "moved", obs.seen_at, **{"from": before, "to": _area(venue)}
        )


def _update_names(
    session: Session, run: VenueRun, index: _Index, venue: Venue, obs: ClinicObservation,
    name_key: str | None, is_new: bool,
) -> None:  # fmt: skip
    if not obs.venue_name or name_key is None or name_key in (venue.name_keys or []):
        return
    if obs.seen_at < venue.last_seen:  # older news never renames a venue back
        return
    had_name = bool(venue.names)
    venue.names = [*(venue.names or []), obs.venue_name.strip()][-5:]
    venue.name_keys = [*(venue.name_keys or []), name_key]
    index.by_name[name_key] = venue
    if had_name and not is_new:
        _add_event(session, run, venue, "renamed", obs.seen_at, names=len(venue.names))


def _escort_clusters(session: Session, observations: list[ClinicObservation]) -> dict[str, int]:
    """Photo hash → the escort cluster holding an advert with that photo, for a batch."""
    photos = sorted(
        {p for obs in observations for person in obs.roster for p in person.image_hashes}
    )
    found: dict[str, int] = {}
    statement = select(ImageHash.phash, ClusterMember.cluster_id).join(
        ClusterMember, ClusterMember.advert_id == ImageHash.advert_id
    )
    for batch in in_batches(statement, ImageHash.phash, photos):
        for phash, cluster_id in session.execute(batch):
            found.setdefault(phash, cluster_id)
    return found


def _update_roster(
    session: Session, run: VenueRun, index: _Index, keyring: Keyring, venue: Venue,
    obs: ClinicObservation, is_new: bool,
) -> None:  # fmt: skip
    day = obs.seen_at.date()
    days = index.rosters[venue.id]
    today = days[day]
    earlier = [d for d in days if d < day and days[d]]
    before = set(days[max(earlier)]) if earlier else None
    added = False
    for person in obs.roster:
        key = person_key(keyring, person)
        if key in today:
            continue
        today.add(key)
        added = True
        cluster = next(
            (index.escort_clusters[p] for p in person.image_hashes if p in index.escort_clusters),
            None,
        )
        session.add(
            RosterEntry(
                venue_id=venue.id, advert_id=obs.advert_id, seen_on=day, name=person.name,
                person_key=key, stated_age=person.stated_age, nationality=person.nationality,
                image_hashes=list(person.image_hashes), cluster_id=cluster,
            )
        )  # fmt: skip
        for photo in person.image_hashes:
            index.by_photo[photo].add(venue.id)
    if not added or before is None or is_new:
        return
    if today != before:
        _add_event(
            session, run, venue, "roster_changed", obs.seen_at,
            new=len(today - before), left=len(before - today), size=len(today),
        )  # fmt: skip


def _update_details(venue: Venue, obs: ClinicObservation, signs: list[str]) -> None:
    hours = obs.parsed_hours
    if hours is not None:
        venue.opening_hours = hours.to_json()
    if obs.phone_keys:
        venue.phone_keys = sorted({*(venue.phone_keys or []), *obs.phone_keys})
    if obs.price is not None:
        venue.price = obs.price
    # Languages the persons there speak (to bring the right materials), not the page's.
    languages = {lang for person in obs.roster for lang in person.languages}
    if languages:
        venue.languages = sorted(languages)
    venue.signs = sorted({*(venue.signs or []), *signs})


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one run, as it was after.

    A run allocates several long-lived objects per observation (ORM rows, the index), and
    each full collection walks every object alive, so with the collector on, linking cost
    per observation grew with the size of the run (BENCH=clinics: 79x the address parser at
    10^3 adverts, 149x at 10^5; per advert flat with it off). A run leaves little cyclic
    garbage (peak memory unchanged at 10^4); what it leaves is collected after. The switch
    is process-wide: venue linking runs in the CLI, scheduler or worker process, never in a
    web server's threads.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def link_venues(
    session: Session,
    keyring: Keyring,
    observations: list[ClinicObservation],
    text_signs: dict[str, Any] | None = None,
) -> VenueRun:
    """Link observations (any order; applied oldest first) into venues; returns counts.

    `text_signs` maps a sign name to an object with `count_phrases(text)` (the clinic rules
    with `signal: text`): a venue records the names of the signs its adverts' text shows.
    """
    with _collector_paused():
        return _link(session, keyring, observations, text_signs)


def _link(
    session: Session,
    keyring: Keyring,
    observations: list[ClinicObservation],
    text_signs: dict[str, Any] | None,
) -> VenueRun:
    run = VenueRun()
    run.event_ids = set(session.scalars(select(VenueEvent.event_id)))
    index = _Index(session)
    index.escort_clusters = _escort_clusters(session, observations)
    for obs in sorted(observations, key=lambda o: (o.seen_at, o.advert_id)):
        run.observations += 1
        address = obs.parsed_address
        if address is None:
            run.without_address += 1
        link_key = address_key(keyring, address) if address else None
        name_key = venue_name_key(keyring, obs.venue_name) if obs.venue_name else None
        venue = _find(session, index, obs, link_key, name_key)
        is_new = venue is None
        if venue is None:
            venue = _new_venue(session, index, obs.seen_at)
            run.venues_new += 1
        _update_place(session, run, index, venue, obs, link_key, is_new)
        _update_names(session, run, index, venue, obs, name_key, is_new)
        if is_new:
            _add_event(session, run, venue, "opened", obs.seen_at, **_area(venue))
        elif venue.gone_at is not None and obs.seen_at > venue.last_seen:
            venue.gone_at = None
            _add_event(session, run, venue, "reappeared", obs.seen_at)
        signs = [name for name, rule in (text_signs or {}).items() if rule.count_phrases(obs.text)]
        _update_details(venue, obs, signs)
        venue.last_seen = max(venue.last_seen, obs.seen_at)
        _link_advert(session, index, venue, obs)
        _update_roster(session, run, index, keyring, venue, obs, is_new)
        index.add(venue)
    _save_sightings(session, index)
    session.flush()
    return run


def _link_advert(session: Session, index: _Index, venue: Venue, obs: ClinicObservation) -> None:
    row = index.new_rows.get((venue.id, obs.advert_id))
    if row is not None:  # added in this run: update it in memory
        row.last_seen = max(row.last_seen, obs.seen_at)
        return
    held = index.held.get(obs.advert_id)
    if held is not None and held[1] == venue.id:
        newest = index.advert_seen.get(held[0])
        index.advert_seen[held[0]] = obs.seen_at if newest is None else max(newest, obs.seen_at)
        return
    row = VenueAdvert(
        venue_id=venue.id, advert_id=obs.advert_id, first_seen=obs.seen_at, last_seen=obs.seen_at
    )
    session.add(row)
    index.new_rows[(venue.id, obs.advert_id)] = row
    index.held[obs.advert_id] = (0, venue.id)  # row id unknown until the flush; not needed


def _save_sightings(session: Session, index: _Index) -> None:
    """The newest sighting of every venue advert seen again, in one statement a row."""
    for row_id, seen in index.advert_seen.items():
        session.execute(
            update(VenueAdvert)
            .where(VenueAdvert.id == row_id, VenueAdvert.last_seen < seen)
            .values(last_seen=seen)
        )


def mark_vanished(session: Session, now: datetime, run: VenueRun | None = None) -> int:
    """Venues not seen for VANISHED_AFTER are gone (event `vanished`); returns how many."""
    if run is None:
        run = VenueRun()
        run.event_ids = set(session.scalars(select(VenueEvent.event_id)))
    stale = session.scalars(
        select(Venue)
        .where(Venue.gone_at.is_(None), Venue.last_seen < now - VANISHED_AFTER)
        .order_by(Venue.id)
    ).all()
    for venue in stale:
        venue.gone_at = now
        _add_event(
            session, run, venue, "vanished", now, last_seen=venue.last_seen.date().isoformat()
        )
    return len(stale)
