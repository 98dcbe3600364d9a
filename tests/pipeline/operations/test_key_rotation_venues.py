"""`scout keys rotate` re-keys the clinic tables: sealed addresses and names, and the venue
link keys, so that linking after a rotation finds the same venues (issue 15)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from models import RosterEntry, Venue, VenueEvent
from nlp.clinics.address import parse_address
from nlp.clinics.rules import text_sign_rules
from pipeline.core.db import open_database
from pipeline.core.settings import load_settings
from pipeline.operations import keyrotation
from pipeline.stages.venues import link_venues
from pipeline.stages.venues.linking import address_key

from helpers.clinics_world import observation, store_and_link


def test_rotation_rekeys_venues_and_relinking_finds_them(database, settings):
    linked = store_and_link(database)
    with database.session() as session:
        before = {
            v.id: (v.address, v.address_key, list(v.name_keys))
            for v in session.scalars(select(Venue))
        }
        entries = session.query(RosterEntry).count()
    old_id = database.keyring.key_id
    keyrotation.rotate(database, settings, batch_size=4)
    database.dispose()
    rotated = open_database(load_settings())
    assert rotated.keyring.key_id != old_id
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
