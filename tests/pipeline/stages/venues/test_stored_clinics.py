"""`scout clinics link`: venues from stored clinic adverts (text, phones, analysis name keys)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from demo.clinics import build_clinic_world
from models import Advert, AdvertContact, AdvertVersion, ContactPoint, RosterEntry, Site, Venue
from pipeline.cli.main import main
from pipeline.core import clock

from helpers import operators


def _store_week(database, world, week: int) -> None:
    keyring = database.keyring
    with database.session() as session:
        site = Site(name="demo_massage", base_url="http://127.0.0.1:8900")
        session.add(site)
        session.flush()
        for advert in (a for a in world.adverts if a.week == week and a.site == "demo_massage"):
            row = Advert(
                site_id=site.id,
                external_id=advert.external_id,
                kind="clinic",
                url="http://127.0.0.1:8900/x",
                first_seen=advert.seen_at,
                last_seen=advert.seen_at,
                title=advert.name,
                text=advert.text,
                price=advert.price,
                currency="DKK",
                content_hash=keyring.content_hash(advert.text),
            )
            session.add(row)
            session.flush()
            point = ContactPoint(
                kind="phone",
                value=advert.phone,
                pseudonym=keyring.pseudonym("phone", advert.phone),
                key_id=keyring.key_id,
            )
            existing = session.scalar(
                select(ContactPoint).where(ContactPoint.pseudonym == point.pseudonym)
            )
            if existing is None:
                session.add(point)
                session.flush()
            session.add(AdvertContact(advert_id=row.id, contact_point_id=(existing or point).id))
            names = [keyring.pseudonym("name", p.name.casefold())[:16] for p in advert.roster]
            session.add(
                AdvertVersion(
                    advert_id=row.id,
                    seen_at=advert.seen_at,
                    content_hash=row.content_hash,
                    analysis={"name_keys": sorted(names), "ages": [], "nationalities": []},
                )
            )


def test_link_stored_clinic_adverts(database, capsys, monkeypatch):
    world = build_clinic_world()
    _store_week(database, world, 0)
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
