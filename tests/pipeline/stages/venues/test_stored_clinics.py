"""`scout clinics link`: venues from stored clinic adverts (text, phones, analysis name keys)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from demo.clinics import START, build_clinic_world
from models import Advert, AdvertVersion, CrawlRun, RosterEntry, Sighting, Venue
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.stages.venues import link_venues, stored_observations

from helpers import operators
from helpers.clinics_world import bare_clinic_adverts, store_analysed_week


def test_link_stored_clinic_adverts(database, capsys, monkeypatch):
    world = build_clinic_world()
    store_analysed_week(database, world, 0)
    clock.set_now(world.adverts[0].seen_at + timedelta(days=1))
    operators.set_operator(monkeypatch, default_role="analyst")
    assert main(["clinics", "link"]) == 0
    out = capsys.readouterr().out
    assert "9 clinic adverts, 9 new venues, 0 without an address" in out
    with database.session() as session:
        venues = session.scalars(select(Venue)).all()
        assert {v.region for v in venues} == {t.region for t in world.truth.values()}
        lotus = next(v for v in venues if v.postcode == "1620")
        assert lotus.address == "Vesterbrogade 12, 2. tv, 1620 København V"
        assert lotus.price == 400 and len(lotus.phone_keys) == 1
        assert "clinic_new_girls" in lotus.signs
        assert (
            len(session.scalars(select(RosterEntry).where(RosterEntry.venue_id == lotus.id)).all())
            == 3
        )
    assert main(["clinics", "link"]) == 0
    assert "0 new venues" in capsys.readouterr().out


def _stored_advert(session, keyring, weeks: int) -> Advert:
    advert = session.get(Advert, 1)
    for week in range(weeks):
        _crawled(session, keyring, advert, START + timedelta(weeks=week), new_version=True)
    return advert


def _crawled(session, keyring, advert: Advert, at, new_version: bool) -> None:
    crawl = CrawlRun(site_id=advert.site_id, started_at=at, status="complete")
    session.add(crawl)
    session.flush()
    session.add(Sighting(advert_id=advert.id, crawl_run_id=crawl.id, seen_at=at))
    advert.last_seen = at
    if new_version:
        text = f"Algade 3, 9000 Aalborg. Uge {at.isocalendar().week}"
        session.add(
            AdvertVersion(
                advert_id=advert.id, seen_at=at, text=text, content_hash=keyring.content_hash(text)
            )
        )  # fmt: skip
    session.flush()


def test_stored_observations_read_only_what_linking_has_not_taken(database):
    """A run reads the sightings after the advert's watermark and only the versions in
    effect at them, not every week before (the sealed text of old versions stays shut)."""
    keyring = database.keyring
    bare_clinic_adverts(database, "stored_clinics", [1], START)
    with database.session() as session:
        advert = _stored_advert(session, keyring, weeks=4)
        first = stored_observations(session)
        assert [o.seen_at for o in first] == [START + timedelta(weeks=w) for w in range(4)]
        link_venues(session, keyring, first)
        advert_id = advert.id
    with database.session() as session:
        advert = session.get(Advert, advert_id)
        quiet = START + timedelta(weeks=3, days=3)  # seen again, unchanged
        _crawled(session, keyring, advert, quiet, new_version=False)
        _crawled(session, keyring, advert, START + timedelta(weeks=4), new_version=True)
    read: list = []

    def loaded(version: AdvertVersion, _context: object) -> None:
        read.append(version.seen_at)

    event.listen(AdvertVersion, "load", loaded)
    try:
        with database.session() as session:
            found = stored_observations(session)
    finally:
        event.remove(AdvertVersion, "load", loaded)
    assert [(o.seen_at, o.text[-6:]) for o in found] == [
        (quiet, "Uge 44"), (START + timedelta(weeks=4), "Uge 45")
    ]  # fmt: skip
    assert sorted(read) == [START + timedelta(weeks=3), START + timedelta(weeks=4)]
