"""What a venue-linking run reads (pipeline/stages/venues/index.py) and writes in bulk.

A run reads the roster days it compares against, the photos its observations show, its own
adverts' links and the event ids its events could repeat, not every week behind them; the
rows it adds are inserted a statement a table, names still sealed. Both engines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import insert, select

from models import RosterEntry, Venue, VenueAdvert, VenueEvent
from pipeline.stages.venues import ClinicObservation, RosterPerson, link_venues, mark_vanished
from pipeline.stages.venues.index import VenueIndex, stored_event_ids

from helpers.clinics_world import bare_clinic_adverts

START = datetime(2026, 10, 5, 12, tzinfo=UTC)
WEEK = timedelta(weeks=1)
PHOTOS = ("aa00aa00aa00aa00", "bb11bb11bb11bb11")


def _adverts(database, ids) -> None:
    bare_clinic_adverts(database, "index_clinics", list(ids), START)


def _seen(advert_id: int, week: int, address: str = "Algade 3, 9000 Aalborg", **fields):
    # a new person each week, so each week's roster differs from the week before
    roster = (RosterPerson(f"Synthetic Person {week}"), RosterPerson("Synthetic Regular"))
    return ClinicObservation(
        advert_id=advert_id, seen_at=START + week * WEEK, address=address,
        roster=fields.pop("roster", roster), **fields,
    )  # fmt: skip


def _link_weeks(database, weeks: int) -> int:
    _adverts(database, range(1, weeks + 1))
    for week in range(weeks):
        with database.session() as session:
            link_venues(session, database.keyring, [_seen(week + 1, week)])
    with database.session() as session:
        return session.scalar(select(Venue.id))


def test_index_reads_only_the_roster_days_a_run_compares(database):
    venue_id = _link_weeks(database, 4)
    days = [(START + week * WEEK).date() for week in range(4)]
    with database.session() as session:
        # a new week: only the last week before it (what its roster is compared with)
        index = VenueIndex(session, [_seen(4, 4)])
        assert set(index.rosters[venue_id]) == {days[3]}
        assert index.rosters[venue_id][days[3]] == {
            e.person_key
            for e in session.scalars(select(RosterEntry).where(RosterEntry.seen_on == days[3]))
        }
        # an older week linked again: from its day on, and the last day before it
        index = VenueIndex(session, [_seen(2, 2)])
        assert set(index.rosters[venue_id]) == set(days[1:])
        # only the run's adverts' links
        assert set(index.held) == {2}


def test_roster_change_against_the_last_day_before_the_run(database):
    venue_id = _link_weeks(database, 3)
    with database.session() as session:
        run = link_venues(session, database.keyring, [_seen(3, 3)])
    assert dict(run.events) == {"roster_changed": 1}
    with database.session() as session:
        event = session.scalars(
            select(VenueEvent).where(VenueEvent.venue_id == venue_id).order_by(VenueEvent.id)
        ).all()[-1]
        assert event.detail == {"new": 1, "left": 1, "size": 2}


def test_photos_seen_weeks_before_the_run_still_find_a_moved_venue(database):
    person = RosterPerson(None, image_hashes=PHOTOS)
    _adverts(database, [1, 2])
    with database.session() as session:
        link_venues(session, database.keyring, [_seen(1, 0, roster=(person,))])
    moved = _seen(2, 5, address="Nørregade 7, 8000 Aarhus C", roster=(person,))
    with database.session() as session:
        index = VenueIndex(session, [moved])
        assert set(index.by_photo) == set(PHOTOS)
        run = link_venues(session, database.keyring, [moved])
    assert run.venues_new == 0 and dict(run.events) == {"moved": 1}
    with database.session() as session:
        assert session.scalars(select(VenueAdvert.venue_id).distinct()).all() == [
            session.scalar(select(Venue.id))
        ]


def test_stored_event_ids_from_the_day_of_the_earliest_time_in_any_zone(database):
    _link_weeks(database, 1)
    with database.session() as session:
        venue_id = session.scalar(select(Venue.id))
        far_east = timezone(timedelta(hours=14))
        # 05.10 00:30 at UTC+14 is 04.10 10:30 UTC: an event id naming 05.10
        same_day = datetime(2026, 10, 5, 0, 30, tzinfo=far_east)
        session.execute(
            insert(VenueEvent),
            [
                {"event_id": "same-day", "venue_id": venue_id, "at": same_day,
                 "kind": "moved", "detail": {}},
                {"event_id": "week-before", "venue_id": venue_id, "at": START - WEEK,
                 "kind": "moved", "detail": {}},
            ],
        )  # fmt: skip
        known = stored_event_ids(session, datetime(2026, 10, 5, 23, 0, tzinfo=UTC))
    assert "same-day" in known and "week-before" not in known


def test_bulk_rows_keep_names_sealed(database):
    _link_weeks(database, 2)
    with database.session() as session:
        names = set(session.scalars(select(RosterEntry.name)))
        raw = session.connection().exec_driver_sql("SELECT name FROM roster_entries").scalars()
        assert names == {"Synthetic Person 0", "Synthetic Person 1", "Synthetic Regular"}
        assert all(b"Synthetic" not in bytes(value) for value in raw)


def test_an_empty_run_reads_no_roster_and_still_knows_the_stored_events(database):
    venue_id = _link_weeks(database, 1)
    now = START + timedelta(days=20)
    for _ in range(2):
        with database.session() as session:
            assert not VenueIndex(session, []).rosters
            run = link_venues(session, database.keyring, [])
            assert mark_vanished(session, now, run) == 1
            session.get(Venue, venue_id).gone_at = None  # as if the mark were undone
    # the second mark repeats the first's event id: known, so not written again
    assert dict(run.events) == {}
    with database.session() as session:
        kinds = session.scalars(select(VenueEvent.kind).where(VenueEvent.venue_id == venue_id))
        assert sorted(kinds) == ["opened", "vanished"]
