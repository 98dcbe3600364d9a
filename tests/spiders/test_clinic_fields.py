"""The crawler keeps a clinic page's own fields (issue 15): address, opening hours, venue name
and the roster are read from the demo clinic pages, stored sealed on the advert and its
version, give a new version when they change, and are re-sealed by a key rotation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from parsel import Selector
from sqlalchemy import LargeBinary, select, type_coerce

from demo.clinic_site import ClinicSite
from demo.clinics import build_clinic_world
from models import Advert, AdvertVersion
from pipeline.core.db import open_database
from pipeline.core.keys import sealed_key_id
from pipeline.core.settings import load_settings
from pipeline.operations import keyrotation
from spiders.extract import extract_fields, roster_person, roster_sources
from spiders.items import AdvertItem, RosterMember, clinic_document, read_clinic_document
from spiders.sitefile import RosterSpec, load_site
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

WORLD = build_clinic_world()
ADDRESS = "Vesterbrogade 12, 2. tv., 1620 København V"


def _page(site: str, path: str, week: int) -> Selector:
    response = ClinicSite(WORLD, day=week * 7).handle("GET", path, {})
    assert response.status == 200
    return Selector(text=response.body.decode())


@pytest.mark.parametrize("week", [0, 3])
def test_demo_clinic_page_gives_the_clinic_fields_and_roster(week: int) -> None:
    site = load_site("demo_clinics")
    truth = next(
        a for a in WORLD.adverts if (a.site, a.venue, a.week) == ("demo_clinics", "golden", week)
    )
    page = _page("demo_clinics", "/klinikker/golden", week)
    values, misses = extract_fields(page, site.detail)
    assert not misses
    assert values["address"] == truth.address_field  # moved in week 3: the new address
    assert values["opening_hours"] == truth.hours_field
    assert values["venue_name"] == truth.name
    assert site.detail.roster is not None
    persons = [
        roster_person(p, site.detail.roster) for p in roster_sources(page, site.detail.roster)
    ]
    assert persons == [
        {"name": p.name, "stated_age": p.age, "nationality": p.nationality,
         "languages": list(p.languages)}
        for p in truth.roster
    ]  # fmt: skip


def test_demo_massage_page_gives_names_and_ages_from_the_list() -> None:
    site = load_site("demo_massage")
    truth = next(
        a for a in WORLD.adverts if (a.site, a.venue, a.week) == ("demo_massage", "rosa", 1)
    )
    page = _page("demo_massage", "/massage/rosa", 1)
    values, _ = extract_fields(page, site.detail)
    assert values.get("address") is None and "Nørrebrogade 50" in values["text"]
    assert site.detail.roster is not None
    persons = [
        roster_person(p, site.detail.roster) for p in roster_sources(page, site.detail.roster)
    ]
    assert [(p["name"], p["stated_age"]) for p in persons] == [
        (p.name, p.age) for p in truth.roster
    ]


def test_a_roster_from_json_records() -> None:
    spec = RosterSpec.model_validate(
        {"persons": {"json": "clinic.persons"}, "name": {"json": "name"},
         "stated_age": {"json": "age", "type": "int"}}
    )  # fmt: skip
    record = {"clinic": {"persons": [{"name": "Mei", "age": 22}, "junk", {"age": 30}]}}
    persons = [roster_person(p, spec) for p in roster_sources(record, spec)]
    assert [(p["name"], p["stated_age"]) for p in persons] == [("Mei", 22), (None, 30)]


def _item(roster: list[RosterMember], at: datetime, kind: str = "clinic") -> AdvertItem:
    return AdvertItem(
        site="demo_clinics", external_id="lotus", url="http://127.0.0.1/klinikker/lotus",
        fetched_at=at, kind=kind, title="Lotus Wellness", text="Nye piger hver uge",
        address=ADDRESS if kind == "clinic" else None,
        opening_hours="Døgnåbent" if kind == "clinic" else None,
        venue_name="Lotus Wellness" if kind == "clinic" else None, roster=roster,
    )  # fmt: skip


ANCA = RosterMember("Anca", 22, "romanian", ("ro",), ("00ff00ff00ff00ff",))
MEI = RosterMember("Mei", 21, "chinese", ("zh",), ())
AT = datetime(2026, 10, 5, 12, tzinfo=UTC)


def _store(database, item: AdvertItem):
    with database.session() as session:
        site = ensure_site(session, item.site, "http://127.0.0.1")
        return store_adverts(session, database.keyring, site.id, None, [item])


def test_clinic_fields_are_stored_sealed_and_a_new_roster_is_a_new_version(database) -> None:
    assert _store(database, _item([ANCA], AT)).new == 1
    assert _store(database, _item([ANCA], AT + timedelta(days=1))).unchanged == 1
    # the same text, a new roster: a new version
    assert _store(database, _item([ANCA, MEI], AT + timedelta(days=7))).changed == 1
    with database.session() as session:
        advert = session.scalars(select(Advert)).one()
        versions = session.scalars(select(AdvertVersion).order_by(AdvertVersion.seen_at)).all()
        raw = session.execute(
            select(type_coerce(AdvertVersion.clinic, LargeBinary)).order_by(AdvertVersion.seen_at)
        ).scalars()
        assert all(
            b"Vesterbrogade" not in bytes(blob) and b"Anca" not in bytes(blob) for blob in raw
        )
    fields, roster = read_clinic_document(advert.clinic)
    assert fields == {
        "address": ADDRESS,
        "opening_hours": "Døgnåbent",
        "venue_name": "Lotus Wellness",
    }
    assert roster == [ANCA, MEI]
    assert [read_clinic_document(v.clinic)[1] for v in versions] == [[ANCA], [ANCA, MEI]]


def test_an_escort_advert_has_no_clinic_document(database) -> None:
    item = replace(_item([], AT, kind="escort"), site="demo_classic")
    assert clinic_document(item) is None
    _store(database, item)
    with database.session() as session:
        assert session.scalars(select(Advert.clinic)).one() is None


def test_key_rotation_reseals_the_clinic_document(database, settings) -> None:
    _store(database, _item([ANCA], AT))
    _store(database, _item([MEI], AT + timedelta(days=7)))
    with database.session() as session:
        before = json.loads(session.scalars(select(Advert.clinic)).one())
    old_id = database.keyring.key_id
    keyrotation.rotate(database, settings, batch_size=4)
    database.dispose()
    rotated = open_database(load_settings())
    with rotated.session() as session:
        assert json.loads(session.scalars(select(Advert.clinic)).one()) == before
        for model in (Advert, AdvertVersion):
            for blob in session.execute(select(type_coerce(model.clinic, LargeBinary))).scalars():
                assert sealed_key_id(bytes(blob)) == rotated.keyring.key_id != old_id
    rotated.dispose()
