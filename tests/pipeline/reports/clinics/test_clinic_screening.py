"""Screening, visits, roles and audit for addresses, and purge on the demo clinic world
(issue 15); every database test on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from models import Advert, AuditEntry, RosterEntry, Venue, VenueAdvert, VenueEvent, VenueVisit
from pipeline.core.errors import ScoutError
from pipeline.core.settings import load_settings
from pipeline.operations.retention import purge
from pipeline.reports.clinics.screening import CONCERN_SCORE, screen, screening_list
from pipeline.reports.clinics.visits import clinic_figures, log_visit

from helpers import operators
from helpers.clinics_world import store_and_link


@pytest.fixture
def linked(database):
    return store_and_link(database)


def _keys(session, linked):
    """venue id → the world's venue key."""
    found = {}
    for key in linked.world.truth:
        ids = linked.venue_adverts(key)
        found[
            session.scalar(select(VenueAdvert.venue_id).where(VenueAdvert.advert_id == ids[0]))
        ] = key
    return found


def test_every_concern_venue_tops_its_region_and_stable_ones_are_not_listed(database, linked):
    now = linked.end + timedelta(days=1)
    with database.session() as session:
        keys = _keys(session, linked)
        listed = screen(session, now)
    truth = linked.world.truth
    by_region: dict[str, list] = {}
    for venue in listed:
        by_region.setdefault(venue.region, []).append(venue)
    for region, venues in by_region.items():
        flags = [truth[keys[v.venue_id]].concern for v in venues]
        # Sorted by score: every venue of concern before every other venue in its region.
        assert flags == sorted(flags, reverse=True), region
    for venue in listed:
        concern = truth[keys[venue.venue_id]].concern
        assert venue.of_concern is concern, (keys[venue.venue_id], venue.score, venue.reasons)
    vanished = {k for k, t in truth.items() if t.last_week < 5}
    assert vanished and not vanished & {keys[v.venue_id] for v in listed}


def test_reasons_are_explained_and_carry_no_person_data(database, linked):
    with database.session() as session:
        keys = _keys(session, linked)
        listed = screen(session, linked.end + timedelta(days=1), region="Hovedstaden")
    lotus = next(v for v in listed if keys[v.venue_id] == "lotus")
    rules = {r.rule_id for r in lotus.reasons}
    assert {"clinic_roster_turnover", "clinic_phone_shared", "clinic_open_day_and_night"} <= rules
    assert lotus.score == pytest.approx(sum(r.weight for r in lotus.reasons))
    assert lotus.hours == "day and night" and "da" not in lotus.languages
    assert lotus.address is None  # screen() leaves addresses out unless asked
    text = repr(listed)
    for person in linked.world.persons.values():
        assert person.name not in text
    assert "+45" not in text and "Vesterbrogade" not in text


def test_region_and_municipality_filters(database, linked):
    with database.session() as session:
        now = linked.end + timedelta(days=1)
        assert {v.region for v in screen(session, now, region="Nordjylland")} == {"Nordjylland"}
        assert {v.municipality for v in screen(session, now, municipality="Aarhus")} == {"Aarhus"}
        assert screen(session, now, region="Atlantis") == []


@pytest.mark.parametrize(
    ("role", "sees"), [("outreach", True), ("analyst", False), ("admin", False)]
)
def test_addresses_only_for_outreach_and_audited(
    database, linked, settings, monkeypatch, role, sees
):
    operators.set_operator(monkeypatch, default_role=role)
    acting = load_settings()
    assert acting.role == role
    with database.session() as session:
        listed = screening_list(session, acting, linked.end + timedelta(days=1))
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "clinic-addresses-viewed")
        ).all()
    assert listed and all(v.of_concern for v in listed)
    assert all(bool(v.address) is sees for v in listed)
    if sees:
        assert len(entries) == 1 and sorted(entries[0].params["venues"]) == sorted(
            v.stable_id for v in listed
        )
        assert "Vesterbrogade" not in str(entries[0].params)
    else:
        assert entries == []


def test_visit_log_and_visits_feed_the_screening(database, linked, settings):
    now = linked.end + timedelta(days=1)
    with database.session() as session:
        keys = {k: v for v, k in _keys(session, linked).items()}
        lotus = session.get(Venue, keys["lotus"])
        before = next(v for v in screen(session, now) if v.venue_id == lotus.id).score
        visit = log_visit(
            session,
            settings,
            lotus.stable_id.lower(),
            visited_on=now.date(),
            team="Team Hovedstaden",
            outcome="talked",
            persons_met=2,
            languages=["RO", "th"],
            materials=["leaflet ro"],
            note="private note",
            follow_up=now.date() + timedelta(days=14),
        )
        assert visit.languages == ["ro", "th"] and visit.note == "private note"
        after = next(v for v in screen(session, now) if v.venue_id == lotus.id)
        assert after.visited_recently and after.score == pytest.approx(before / 2)
        assert after.last_outcome == "visited and talked"
        raw = (
            session.connection()
            .exec_driver_sql(f"SELECT note FROM venue_visits WHERE id = {visit.id}")
            .scalar()
        )
        assert b"private" not in bytes(raw)
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "clinic-visit"))
        assert audit.params["venue"] == lotus.stable_id and "private" not in str(audit.params)
        # Something changed after the visit (the roster): the venue is back at full priority.
        session.add(
            VenueEvent(
                event_id="test-change",
                venue_id=lotus.id,
                at=now + timedelta(days=1),
                kind="roster_changed",
                detail={},
            )
        )
        session.flush()
        assert next(
            v for v in screen(session, now) if v.venue_id == lotus.id
        ).score == pytest.approx(before)
        with pytest.raises(ScoutError, match="no venue"):
            log_visit(session, settings, "V999", visited_on=now.date(), team="t", outcome="talked")
        with pytest.raises(ScoutError, match="unknown outcome"):
            log_visit(
                session, settings, lotus.stable_id, visited_on=now.date(), team="t", outcome="x"
            )
        figures = clinic_figures(session, now - timedelta(days=7), now + timedelta(days=1))
    assert (
        figures.visits == 1
        and figures.visits_by_outcome == {"talked": 1}
        and figures.persons_met == 2
    )
    assert figures.venues_active == 8  # nine venues, one closed weeks ago


def test_clinic_figures_for_the_first_week(database, linked):
    start = linked.world.adverts[0].seen_at - timedelta(hours=1)
    with database.session() as session:
        figures = clinic_figures(session, start, start + timedelta(days=7))
    assert (figures.venues_new, figures.venues_vanished, figures.visits) == (9, 0, 0)


def test_purge_removes_venues_with_their_adverts(database, linked, settings):
    now = linked.end + timedelta(days=settings.retention_days + 2)
    gone_ids = linked.venue_adverts("lotus")
    with database.session() as session:
        keys = {k: v for v, k in _keys(session, linked).items()}
        log_visit(
            session,
            settings,
            f"V{keys['lotus']}",
            visited_on=linked.end.date(),
            team="t",
            outcome="talked",
        )
        session.execute(update(Advert).where(Advert.id.in_(gone_ids)).values(gone_at=linked.end))
    with database.session() as session:
        report = purge(session, settings, now)
    assert report.venues == 1
    with database.session() as session:
        assert session.get(Venue, keys["lotus"]) is None
        assert session.get(Venue, keys["rosa"]) is not None
        for model in (VenueVisit, VenueEvent, RosterEntry, VenueAdvert):
            assert (
                session.scalar(
                    select(func.count()).select_from(model).where(model.venue_id == keys["lotus"])
                )
                == 0
            )
        session.execute(update(Advert).values(gone_at=linked.end))
    with database.session() as session:
        purge(session, settings, now)
    with database.session() as session:
        for model in (Venue, VenueVisit, VenueEvent, RosterEntry, VenueAdvert):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def test_concern_threshold_is_the_documented_one():
    assert CONCERN_SCORE == 1.0
