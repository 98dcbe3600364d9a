"""`scout clinics link`: venues from stored clinic adverts (text, phones, analysis name keys)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from demo.clinics import build_clinic_world
from models import RosterEntry, Venue
from pipeline.cli.main import main
from pipeline.core import clock

from helpers import operators
from helpers.clinics_world import store_analysed_week


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
