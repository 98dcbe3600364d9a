"""Cluster events on a database (both engines): merged, moved, new_contact, split, vanished,
reappeared — from a few hand-made adverts joined by their phone numbers only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import Cluster, ClusterEvent, ClusterMember, Score
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking.run import link_database

from helpers.linking_world import store_hand_made

DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)
TEMPLATE = (
    "Ny pige i byen: {name}. Hun er sød, rolig og meget diskret. Pigen er her kun denne "
    "uge. Ny i Danmark, venlig og smilende. Pris for en time efter aftale. Åben hver dag."
)
OTHER = (
    "Erfaren massør tilbyder afslappende behandlinger i rolige omgivelser, tidsbestilling "
    "nødvendig, parkering ved døren og kaffe bagefter, {name}."
)


def _see(
    database: Database,
    day: int,
    *adverts: tuple[str, str, list[str]],
    text: dict[str, str] | None = None,
) -> None:
    """Store sightings on `day` of adverts (external id, city, phone numbers); short texts
    unless `text` gives one, so that only shared numbers link them."""
    store_hand_made(
        database,
        DAY0 + timedelta(days=day),
        [(ext, city, phones, (text or {}).get(ext, "Hej."), []) for ext, city, phones in adverts],
    )


def _link(database: Database, settings: Settings, day: int) -> dict[str, list[dict]]:
    clock.set_now(DAY0 + timedelta(days=day, hours=1))
    stages: list[str] = []
    with database.session() as session:
        before = session.scalar(select(func.max(ClusterEvent.id))) or 0
    link_database(database, settings, on_progress=lambda stage, done, total: stages.append(stage))
    assert stages == ["linking", "clustering", "scoring"]
    with database.session() as session:
        events = session.scalars(select(ClusterEvent).where(ClusterEvent.id > before)).all()
    found: dict[str, list[dict]] = {}
    for event in events:
        found.setdefault(event.kind, []).append({"cluster": event.cluster_id, **event.detail})
    return found


def _cluster_of(database: Database) -> dict[str, int]:
    from models import Advert

    with database.session() as session:
        return {
            ext: cid
            for ext, cid in session.execute(
                select(Advert.external_id, ClusterMember.cluster_id).join(
                    ClusterMember, ClusterMember.advert_id == Advert.id
                )
            )
        }


def test_linking_cluster_events_over_a_life(database: Database, settings: Settings) -> None:
    p1, p2, p3 = "+4520111111", "+4520222222", "+4520333333"
    p5, p6 = "+4520555555", "+4520666666"
    _see(database, 0, ("a1", "København", [p1]), ("a2", "Aarhus", [p2]))
    assert set(_link(database, settings, 0)) == {"created"}
    first = _cluster_of(database)
    templated = {"t1": TEMPLATE.format(name="Anna"), "t2": TEMPLATE.format(name="Maria")}
    # a3 carries both numbers: the two clusters merge; it is in a new city with no new number.
    _see(
        database,
        1,
        ("a1", "København", [p1]),
        ("a2", "Aarhus", [p2]),
        ("a3", "Odense", [p1, p2]),
        ("a4", "Aalborg", [p1, p3]),
        ("t1", "Odense", [p5]),
        ("t2", "Odense", [p6]),
        text=templated,
    )
    events = _link(database, settings, 1)
    merged = _cluster_of(database)
    assert merged["t1"] == merged["t2"]  # one template, two numbers
    assert len({merged[a] for a in ("a1", "a2", "a3", "a4")}) == 1
    assert events["merged"] == [{"cluster": merged["a1"], "absorbed": first["a2"]}]
    assert merged["a1"] == first["a1"]  # the kept id
    assert {c for e in events["moved"] for c in e["cities"]} >= {"Odense", "Aalborg"}
    # New to the kept cluster: p2 (came with the merge) and p3 (a4); p1 is not.
    assert len(events["new_contact"]) == 1 and len(events["new_contact"][0]["contacts"]) == 2
    # t2 gets another text: the template cluster splits; t1 (the older part) keeps the id.
    _see(
        database,
        2,
        ("a1", "København", [p1]),
        ("a2", "Aarhus", [p2]),
        ("t1", "Odense", [p5]),
        ("t2", "Odense", [p6]),
        text={"t1": templated["t1"], "t2": OTHER.format(name="Maria")},
    )
    events = _link(database, settings, 2)
    after = _cluster_of(database)
    assert after["t1"] == merged["t1"] != after["t2"]
    assert events["split"] == [{"cluster": merged["t1"], "into": after["t2"]}]
    assert after["a2"] == after["a4"] == merged["a1"]
    assert "merged" not in events and "moved" not in events
    # Nobody seen for 4 days (active_days = 3): every cluster vanishes; a2 is seen again.
    assert len(_link(database, settings, 6)["vanished"]) == 3  # a-cluster, t1, t2
    _see(database, 7, ("a2", "Aarhus", [p2]))
    events = _link(database, settings, 7)
    assert [e["cluster"] for e in events["reappeared"]] == [after["a2"]]
    with database.session() as session:
        active = session.scalars(select(Cluster.id).where(Cluster.active.is_(True))).all()
        versions = set(session.scalars(select(Score.ruleset_version)))
    assert active == [after["a2"]]
    assert len(versions) == 1 and len(versions.pop()) == 12


def test_linking_quiet_day_gives_no_events(database: Database, settings: Settings) -> None:
    _see(database, 0, ("a1", "København", ["+4520111111"]))
    _link(database, settings, 0)
    _see(database, 1, ("a1", "København", ["+4520111111"]))
    assert _link(database, settings, 1) == {}
