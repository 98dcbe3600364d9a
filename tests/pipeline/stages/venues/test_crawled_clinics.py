"""From crawl to venues (issue 15): the demo clinic sites crawled week by week on loopback,
analysed, `scout clinics link`, and the screening list `scout clinics`, against the clinic
world's ground truth; then purge. Both engines."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from demo.clinic_site import ClinicServer
from demo.clinics import SITES, START, WEEKS, build_clinic_world
from models import Advert, AdvertVersion, RosterEntry, Site, Venue, VenueAdvert, VenueEvent
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.operations.retention import purge
from pipeline.stages.crawling import run_crawl_process

from helpers import operators

# Twelve crawls (six weeks, two sites) in their own processes: minutes on a loaded machine.
pytestmark = [pytest.mark.subprocess, pytest.mark.slow, pytest.mark.timeout(1200)]


def _run(capsys, monkeypatch, role: str, *args: str) -> str:
    operators.set_operator(monkeypatch, actor="tester", default_role=role)
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def _crawl_weeks(world, tmp_path) -> None:
    with ClinicServer(world) as server:
        for week in range(WEEKS):
            server.site.day = week * 7
            for number, site in enumerate(SITES):
                as_of = START + timedelta(weeks=week, hours=number)
                outcome = run_crawl_process(site, tmp_path / "logs", server.url, 300, as_of=as_of)
                assert outcome.status == "complete", (site, week, outcome)


def _world_keys(session) -> dict[int, str]:
    """venue id → the world's venue key (from the adverts each venue holds)."""
    rows = session.execute(
        select(VenueAdvert.venue_id, Advert.external_id).join(
            Advert, Advert.id == VenueAdvert.advert_id
        )
    ).all()
    keys: dict[int, set[str]] = defaultdict(set)
    for venue_id, external_id in rows:
        keys[venue_id].add(external_id)
    assert all(len(found) == 1 for found in keys.values()), keys  # no venue mixes two places
    return {venue_id: found.pop() for venue_id, found in keys.items()}


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_crawled_clinic_sites_give_venues_events_rosters_and_the_screening_list(
    database, settings, tmp_path, capsys, monkeypatch
) -> None:
    world = build_clinic_world()
    truth = world.truth
    _crawl_weeks(world, tmp_path)
    end = START + timedelta(weeks=WEEKS - 1, days=1)
    clock.set_now(end)
    _run(capsys, monkeypatch, "admin", "analyse")
    linked = _run(capsys, monkeypatch, "analyst", "clinics", "link")
    assert "9 new venues" in linked, linked

    with database.session() as session:
        # The crawler kept the clinic fields, sealed: the address is not in the stored bytes.
        version = session.scalars(
            select(AdvertVersion).join(Advert).join(Site).where(Site.name == "demo_clinics")
        ).first()
        assert version is not None and version.clinic and "roster" in version.clinic
        raw = session.execute(select(func.count()).where(AdvertVersion.clinic.is_not(None)))
        assert raw.scalar() > 0
        keys = _world_keys(session)
        # One venue per place of the world, across both sites and all weeks.
        assert sorted(keys.values()) == sorted(truth)
        by_key = {key: venue_id for venue_id, key in keys.items()}
        events: dict[str, set[str]] = defaultdict(set)
        for venue_id, kind in session.execute(select(VenueEvent.venue_id, VenueEvent.kind)):
            events[keys[venue_id]].add(kind)
        assert {k for k, kinds in events.items() if "moved" in kinds} == {"golden"}
        assert {k for k, kinds in events.items() if "renamed" in kinds} == {"sakura"}
        assert {k for k, kinds in events.items() if "vanished" in kinds} == {"roskilde"}
        changed = {k for k, kinds in events.items() if "roster_changed" in kinds}
        assert changed == {k for k, t in truth.items() if t.concern}
        assert session.get(Venue, by_key["sakura"]).names[-1] == "Sakura Relax"
        assert session.get(Venue, by_key["golden"]).postcode == "8000"
        # Rosters: each person at exactly the venues the world put them (the foreign pool
        # rotates between venues and cities); ages and nationalities as stated.
        venues_of: dict[str, set[str]] = defaultdict(set)
        for venue_id, name, age, nationality in session.execute(
            select(
                RosterEntry.venue_id, RosterEntry.name, RosterEntry.stated_age,
                RosterEntry.nationality,
            )
        ):  # fmt: skip
            venues_of[name].add(keys[venue_id])
            person = next(p for p in world.persons.values() if p.name == name)
            assert age == person.age and nationality in (None, person.nationality)
        expected: dict[str, set[str]] = defaultdict(set)
        for advert in world.adverts:
            for person in advert.roster:
                expected[person.name].add(advert.venue)
        assert venues_of == expected
        assert any(len(found) >= 3 for found in venues_of.values())
        # the photos as perceptual hashes (a sealed name is compared in memory, not in SQL)
        photos = {len(e.image_hashes) for e in session.scalars(select(RosterEntry))}
        assert 2 in photos

    # The screening list: every venue of concern listed, first in its region; no stable one.
    out = _run(capsys, monkeypatch, "analyst", "clinics", "--all", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    listed = {row["venue"]: row for row in rows}
    stable_ids = {f"V{venue_id}": key for venue_id, key in keys.items()}
    concern = [row for row in rows if row["score"] >= 1.0]
    assert {stable_ids[row["venue"]] for row in concern} == {
        k for k, t in truth.items() if t.concern
    }
    by_region: dict[str, list[bool]] = defaultdict(list)
    for row in rows:  # sorted by score within the listing
        by_region[row["area"].split(", ")[1]].append(truth[stable_ids[row["venue"]]].concern)
    for region, flags in by_region.items():
        assert flags == sorted(flags, reverse=True), region
    assert "roskilde" not in {stable_ids[v] for v in listed}  # vanished: not on the list
    assert "Anca" not in out and "+45" not in out and "Vesterbrogade" not in out

    # Purge removes a venue with its adverts: Roskilde's (gone when its pages answered 410)
    # and Lotus's (marked gone here); then every venue with the rest.
    gone = _advert_ids_by_key(database)["lotus"]
    later = end + timedelta(days=settings.retention_days + 2)
    with database.session() as session:
        crawled_gone = session.scalars(
            select(Advert.external_id).where(Advert.gone_at.is_not(None))
        )
        assert set(crawled_gone) == {"roskilde"}
        session.execute(update(Advert).where(Advert.id.in_(gone)).values(gone_at=end))
    with database.session() as session:
        assert purge(session, settings, later).venues == 2
    with database.session() as session:
        assert session.get(Venue, by_key["lotus"]) is None
        assert session.get(Venue, by_key["roskilde"]) is None
        assert session.get(Venue, by_key["rosa"]) is not None
        session.execute(update(Advert).values(gone_at=end))
    with database.session() as session:
        purge(session, settings, later)
    with database.session() as session:
        for model in (Venue, VenueEvent, RosterEntry, VenueAdvert):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def _advert_ids_by_key(database) -> dict[str, list[int]]:
    with database.session() as session:
        found: dict[str, list[int]] = defaultdict(list)
        for advert_id, external_id in session.execute(select(Advert.id, Advert.external_id)):
            found[external_id].append(advert_id)
        return found
