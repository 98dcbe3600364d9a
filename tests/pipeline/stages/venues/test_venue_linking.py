"""Venue linking and events on the demo clinic world, on both engines (issue 15)."""

from __future__ import annotations

import gc
from collections import Counter

import pytest
from sqlalchemy import select

from models import RosterEntry, Venue, VenueAdvert, VenueEvent
from nlp.clinics.hours import OpeningHours
from pipeline.stages.venues import link_venues

from helpers.clinics_world import store_and_link


@pytest.fixture
def linked(database):
    return store_and_link(database)


def _venue_of(session, stored, key):
    ids = stored.venue_adverts(key)
    venue_ids = set(
        session.scalars(select(VenueAdvert.venue_id).where(VenueAdvert.advert_id.in_(ids)))
    )
    assert len(venue_ids) == 1, f"{key}: adverts in {len(venue_ids)} venues"
    return session.get(Venue, venue_ids.pop())


def test_one_venue_per_place_across_sites_and_weeks(database, linked):
    with database.session() as session:
        venues = {key: _venue_of(session, linked, key) for key in linked.world.truth}
        assert len({v.id for v in venues.values()}) == len(linked.world.truth)
        assert (
            session.scalar(select(Venue.id).where(Venue.id.not_in([v.id for v in venues.values()])))
            is None
        )
        for key, truth in linked.world.truth.items():
            venue = venues[key]
            assert (venue.region, venue.municipality) == (truth.region, truth.municipality), key
            assert venue.stable_id == f"V{venue.id}"


def test_addresses_sealed_and_keyed(database, linked):
    with database.session() as session:
        lotus = _venue_of(session, linked, "lotus")
        assert lotus.address == "Vesterbrogade 12, 2. tv, 1620 København V"
        assert len(lotus.address_key) == 64 and "vesterbro" not in lotus.address_key
        raw = (
            session.connection()
            .exec_driver_sql(f"SELECT address FROM venues WHERE id = {lotus.id}")
            .scalar()
        )
        assert b"Vesterbrogade" not in bytes(raw)


def test_events(database, linked):
    with database.session() as session:
        kinds = {}
        for key in linked.world.truth:
            venue = _venue_of(session, linked, key)
            kinds[key] = Counter(
                session.scalars(select(VenueEvent.kind).where(VenueEvent.venue_id == venue.id))
            )
        golden = _venue_of(session, linked, "golden")
        moved = session.scalar(
            select(VenueEvent).where(VenueEvent.venue_id == golden.id, VenueEvent.kind == "moved")
        )
        assert golden.address == "Banegårdspladsen 3, 8000 Aarhus C"
        assert moved.detail["from"]["municipality"] == "Aarhus"
        assert "Jernbanegade" not in str(moved.detail)  # areas only, never an address
        sakura = _venue_of(session, linked, "sakura")
        assert sakura.names == ["Sakura Massage", "Sakura Relax"]
    for key, counts in kinds.items():
        truth = linked.world.truth[key]
        assert counts["opened"] == 1, key
        assert counts["moved"] == (1 if truth.moved_week is not None else 0), key
        assert counts["renamed"] == (1 if truth.renamed_week is not None else 0), key
        assert counts["vanished"] == (1 if truth.last_week < 5 else 0), key
        # Concern venues' rosters change every week; stable ones never.
        assert (
            (counts["roster_changed"] >= 4) if truth.concern else counts["roster_changed"] == 0
        ), key


def test_linking_again_writes_nothing(database, linked):
    from nlp.clinics.rules import text_sign_rules

    from helpers.clinics_world import observation

    with database.session() as session:
        before = (session.query(VenueEvent).count(), session.query(RosterEntry).count())
        batch = [
            observation(database.keyring, a, linked.advert_ids[(a.site, a.external_id)])
            for a in linked.world.adverts
        ]
        run = link_venues(session, database.keyring, batch, text_sign_rules())
        assert run.venues_new == 0 and dict(run.events) == {}
        assert (session.query(VenueEvent).count(), session.query(RosterEntry).count()) == before


def test_roster_persons_link_to_escort_cluster(database, linked):
    with database.session() as session:
        entries = session.scalars(
            select(RosterEntry).where(RosterEntry.cluster_id.is_not(None))
        ).all()
        assert entries and {e.cluster_id for e in entries} == {linked.escort_cluster_id}
        assert {e.name for e in entries} == {linked.world.persons["f0"].name}
        # One person seen at several venues is one key.
        f0 = {e.person_key for e in entries}
        assert len(f0) == 1


def test_venue_details(database, linked):
    with database.session() as session:
        lotus = _venue_of(session, linked, "lotus")
        assert OpeningHours.from_json(lotus.opening_hours).always
        assert set(lotus.signs) == {"clinic_new_girls", "clinic_third_person"}
        rosa = _venue_of(session, linked, "rosa")
        assert OpeningHours.from_json(rosa.opening_hours).describe() == "mon–fri 10:00–18:00"
        assert rosa.signs == [] and rosa.price == 900 and "da" in rosa.languages


class _CollectorWatch:
    """A text sign that records whether the garbage collector was on when it was asked."""

    def __init__(self) -> None:
        self.seen: list[bool] = []

    def count_phrases(self, text: str) -> int:
        self.seen.append(gc.isenabled())
        return 0


@pytest.mark.parametrize("enabled", [True, False])
def test_linking_pauses_the_collector_and_restores_it(database, linked, enabled):
    """The cyclic collector is off while a run links (its full passes made linking cost grow
    with the run's size) and as it was before once the run ends, even on an error."""
    from helpers.clinics_world import observation

    watch = _CollectorWatch()
    batch = [
        observation(database.keyring, a, linked.advert_ids[(a.site, a.external_id)])
        for a in linked.world.adverts[:3]
    ]
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with database.session() as session:
            link_venues(session, database.keyring, batch, {"watch": watch})
        assert watch.seen == [False] * 3 and gc.isenabled() is enabled
        with pytest.raises(AttributeError), database.session() as session:
            link_venues(session, database.keyring, batch, {"broken": object()})
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
