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
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from models import RosterEntry, Venue, VenueAdvert, VenueEvent
from nlp.clinics.address import Address
from pipeline.core.keys import Keyring
from pipeline.stages.venues.index import VenueIndex, stored_event_ids
from pipeline.stages.venues.observations import ClinicObservation, RosterPerson

VANISHED_AFTER = timedelta(days=14)
# A venue quiet this long may reappear elsewhere (moved) under its phone, name or photos.
MOVE_AFTER = timedelta(days=2)


@dataclass
class VenueRun:
    observations: int = 0
    venues_new: int = 0
    events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    without_address: int = 0
    # the stored event ids this run's events could repeat (`stored_event_ids`), and its own
    event_ids: set[str] = field(default_factory=set)
    events_known_from: datetime | None = None  # the stored event ids are loaded from then
    new_events: list[dict[str, Any]] = field(default_factory=list, repr=False)  # to insert


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


def _add_event(run: VenueRun, venue: Venue, kind: str, at: datetime, **detail: Any) -> None:
    event_id = _event_id(venue, kind, at, detail)
    if event_id not in run.event_ids:
        run.event_ids.add(event_id)
        run.new_events.append(
            {"event_id": event_id, "venue_id": venue.id, "at": at, "kind": kind, "detail": detail}
        )
        run.events[kind] += 1


def _area(venue: Venue) -> dict[str, str | None]:
    return {"postcode": venue.postcode, "municipality": venue.municipality}


def _find(
    session: Session, index: VenueIndex, obs: ClinicObservation, link_key: str | None,
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


def _new_venue(session: Session, index: VenueIndex, seen_at: datetime) -> Venue:
    venue = Venue(stable_id="pending", first_seen=seen_at, last_seen=seen_at)
    session.add(venue)
    session.flush()
    venue.stable_id = f"V{venue.id}"
    index.by_id[venue.id] = venue
    return venue


def _update_place(
    run: VenueRun, index: VenueIndex, venue: Venue, obs: ClinicObservation,
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
        _add_event(run, venue, "moved", obs.seen_at, **{"from": before, "to": _area(venue)})


def _update_names(
    run: VenueRun, index: VenueIndex, venue: Venue, obs: ClinicObservation,
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
        _add_event(run, venue, "renamed", obs.seen_at, names=len(venue.names))


def _update_roster(
    run: VenueRun, index: VenueIndex, keyring: Keyring, venue: Venue,
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
        index.new_roster.append(
            {"venue_id": venue.id, "advert_id": obs.advert_id, "seen_on": day,
             "name": person.name, "person_key": key, "stated_age": person.stated_age,
             "nationality": person.nationality, "image_hashes": list(person.image_hashes),
             "cluster_id": cluster}
        )  # fmt: skip
        for photo in person.image_hashes:
            index.by_photo[photo].add(venue.id)
    if not added or before is None or is_new:
        return
    if today != before:
        _add_event(
            run, venue, "roster_changed", obs.seen_at,
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
    if observations:
        _know_events(session, run, min(o.seen_at for o in observations))
    index = VenueIndex(session, observations)
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
        _update_place(run, index, venue, obs, link_key, is_new)
        _update_names(run, index, venue, obs, name_key, is_new)
        if is_new:
            _add_event(run, venue, "opened", obs.seen_at, **_area(venue))
        elif venue.gone_at is not None and obs.seen_at > venue.last_seen:
            venue.gone_at = None
            _add_event(run, venue, "reappeared", obs.seen_at)
        signs = [name for name, rule in (text_signs or {}).items() if rule.count_phrases(obs.text)]
        _update_details(venue, obs, signs)
        venue.last_seen = max(venue.last_seen, obs.seen_at)
        _link_advert(index, venue, obs)
        _update_roster(run, index, keyring, venue, obs, is_new)
        index.add(venue)
    _save(session, run, index)
    return run


def _link_advert(index: VenueIndex, venue: Venue, obs: ClinicObservation) -> None:
    row = index.new_links.get((venue.id, obs.advert_id))
    if row is not None:  # added in this run: update it in memory
        row["last_seen"] = max(row["last_seen"], obs.seen_at)
        return
    held = index.held.get(obs.advert_id)
    if held is not None and held[1] == venue.id:
        newest = index.advert_seen.get(held[0])
        index.advert_seen[held[0]] = obs.seen_at if newest is None else max(newest, obs.seen_at)
        return
    index.new_links[(venue.id, obs.advert_id)] = {
        "venue_id": venue.id, "advert_id": obs.advert_id, "first_seen": obs.seen_at,
        "last_seen": obs.seen_at,
    }  # fmt: skip
    index.held[obs.advert_id] = (0, venue.id)  # row id unknown until it is inserted; not needed


def _know_events(session: Session, run: VenueRun, earliest: datetime) -> None:
    """`run.event_ids` from now on holds every stored event id an event at `earliest` or
    later could repeat (loaded once for the run's earliest time; again only for earlier)."""
    if run.events_known_from is None or earliest < run.events_known_from:
        run.event_ids |= stored_event_ids(session, earliest)
        run.events_known_from = earliest


def _save_events(session: Session, run: VenueRun) -> None:
    if run.new_events:
        session.execute(insert(VenueEvent), run.new_events)
        run.new_events = []


def _save(session: Session, run: VenueRun, index: VenueIndex) -> None:
    """What the run adds, a statement a table (executemany; ids in the order rows were made),
    and the newest sighting of every venue advert seen again."""
    session.flush()  # the venues' own changes
    if index.new_roster:
        session.execute(insert(RosterEntry), index.new_roster)
    if index.new_links:
        session.execute(insert(VenueAdvert), list(index.new_links.values()))
    _save_events(session, run)
    if index.advert_seen:
        table = cast(Table, VenueAdvert.__table__)  # declared as any FromClause
        seen = bindparam("seen", type_=table.c.last_seen.type)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"), table.c.last_seen < seen)
            .values(last_seen=seen),
            [{"row_id": row_id, "seen": at} for row_id, at in index.advert_seen.items()],
        )


def mark_vanished(session: Session, now: datetime, run: VenueRun | None = None) -> int:
    """Venues not seen for VANISHED_AFTER are gone (event `vanished`); returns how many."""
    run = run if run is not None else VenueRun()
    _know_events(session, run, now)
    stale = session.scalars(
        select(Venue)
        .where(Venue.gone_at.is_(None), Venue.last_seen < now - VANISHED_AFTER)
        .order_by(Venue.id)
    ).all()
    for venue in stale:
        venue.gone_at = now
        _add_event(run, venue, "vanished", now, last_seen=venue.last_seen.date().isoformat())
    _save_events(session, run)
    return len(stale)
