"""`scout keys rotate` re-keys the clinic tables: sealed addresses and names, and the venue
link keys, so that linking after a rotation finds the same venues (issue 15)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import select

from demo.clinics import build_clinic_world
from models import Advert, AdvertVersion, RosterEntry, Venue, VenueAdvert, VenueEvent
from nlp.clinics.address import parse_address
from nlp.clinics.rules import text_sign_rules
from pipeline.core.db import open_database
from pipeline.core.settings import load_settings
from pipeline.operations import keyrotation
from pipeline.reports.clinics.signals import venue_signals
from pipeline.stages.venues import link_stored, link_venues
from pipeline.stages.venues.linking import address_key

from helpers.clinics_world import observation, store_analysed_week, store_and_link


def _rotated(database, settings):
    """The database after `scout keys rotate`, opened again under the new key."""
    old_id = database.keyring.key_id
    keyrotation.rotate(database, settings, batch_size=4)
    database.dispose()
    rotated = open_database(load_settings())
    assert rotated.keyring.key_id != old_id
    return rotated


def test_rotation_rekeys_venues_and_relinking_finds_them(database, settings):
    linked = store_and_link(database)
    with database.session() as session:
        before = {
            v.id: (v.address, v.address_key, list(v.name_keys))
            for v in session.scalars(select(Venue))
        }
        entries = session.query(RosterEntry).count()
    rotated = _rotated(database, settings)
    with rotated.session() as session:
        for venue in session.scalars(select(Venue)):
            address, old_key, old_names = before[venue.id]
            assert venue.address == address  # re-sealed, readable under the new key
            assert venue.address_key == address_key(rotated.keyring, parse_address(address))
            assert venue.address_key != old_key and venue.name_keys != old_names
        events = Counter(session.scalars(select(VenueEvent.kind)))
        last_week = max(a.week for a in linked.world.adverts)
        batch = [
            observation(rotated.keyring, a, linked.advert_ids[(a.site, a.external_id)])
            for a in linked.world.adverts
            if a.week == last_week
        ]
        run = link_venues(session, rotated.keyring, batch, text_sign_rules())
        assert run.venues_new == 0 and dict(run.events) == {}
        assert Counter(session.scalars(select(VenueEvent.kind))) == events
        assert session.query(RosterEntry).count() == entries
    rotated.dispose()


def _roster(database) -> dict[tuple[int, str, str], str]:
    """(venue id, day, name) → person key of every roster entry."""
    with database.session() as session:
        return {
            (e.venue_id, e.seen_on.isoformat(), e.name): e.person_key
            for e in session.scalars(select(RosterEntry))
        }


def _venues_of(database, world) -> dict[str, int]:
    """The world's venue key → the stored venue id (through the adverts it was read from)."""
    with database.session() as session:
        rows = session.execute(select(VenueAdvert.advert_id, VenueAdvert.venue_id)).all()
        by_advert = {advert_id: venue_id for advert_id, venue_id in rows}
        ids = {e: i for e, i in session.execute(select(Advert.external_id, Advert.id)).all()}
    return {a.venue: by_advert[ids[a.external_id]] for a in world.adverts if a.week == 0}


def test_rotation_rekeys_roster_names_read_by_the_analysis(database, settings):
    """A roster built from the names the NLP stage read (a clinic page without a roster
    field) is re-keyed by a rotation: the same person seen after it links to the same person
    key, and roster turnover is what the world says, as if no rotation had happened."""
    world = build_clinic_world()
    store_analysed_week(database, world, 0)
    start = min(a.seen_at for a in world.adverts)
    link_stored(database, start + timedelta(days=1))
    before = _roster(database)
    assert before and all(name for _, _, name in before)  # the names are kept (sealed)

    rotated = _rotated(database, settings)
    with rotated.session() as session:
        # versions go back to the NLP stage, their names filed under old keys with them
        assert all(v.names is None for v in session.scalars(select(AdvertVersion)))
    after = _roster(rotated)
    assert set(after) == set(before)
    for (venue_id, day, name), key in after.items():
        assert key == rotated.keyring.pseudonym("name", name.casefold())[:16]
        assert key != before[(venue_id, day, name)]

    # the next crawl, analysed under the new key (the analysis ran again after the rotation)
    store_analysed_week(rotated, world, 1)
    link_stored(rotated, start + timedelta(days=8))
    entries = _roster(rotated)
    week_1 = (start + timedelta(weeks=1)).date().isoformat()
    keys: dict[str, set[str]] = defaultdict(set)  # one person, one key, at every venue
    for (_, _, name), key in entries.items():
        keys[name].add(key)
    assert all(len(found) == 1 for found in keys.values())
    venues = _venues_of(rotated, world)
    truth = {
        (a.venue, a.week): {p.name for p in a.roster}
        for a in world.adverts
        if a.site == "demo_massage" and a.week in (0, 1)
    }
    expected, stayed = {}, 0
    for venue, venue_id in venues.items():
        then, now = truth[(venue, 0)], truth.get((venue, 1), set())
        stored_now = {n for (v, d, n) in entries if v == venue_id and d == week_1}
        assert stored_now == now
        if now:
            expected[venue_id] = len(now - then) / len(now)
            stayed += len(now & then)
    assert stayed > 0  # stable venues keep their persons: the test can see a broken link
    with rotated.session() as session:
        listed = session.scalars(select(Venue).where(Venue.id.in_(list(expected)))).all()
        signals = venue_signals(session, listed, start + timedelta(days=8))
        assert {v: s["roster_turnover"] for v, s in signals.items()} == expected
        key_of = {venue_id: venue for venue, venue_id in venues.items()}
        changed = session.scalars(select(VenueEvent).where(VenueEvent.kind == "roster_changed"))
        for event in changed:
            then, now = (truth[(key_of[event.venue_id], week)] for week in (0, 1))
            assert event.detail["new"] == len(now - then)
    rotated.dispose()
