"""Incremental linking (both engines) rewrites only dirty clusters: those that gain members or
hold adverts with new versions; the rest keep their rows and get dates refreshed only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from models import Advert, Cluster, ClusterEvent, ClusterMember, Score
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.config import LINKING_FILE
from pipeline.stages.linking.run import link_database

from helpers.linking_world import store_hand_made

DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)
PHONES = {"x": "+4520111111", "y": "+4520222222", "z": "+4520333333"}


def _see(
    database: Database,
    day: int,
    adverts: list[tuple[str, str]],
    images: dict[str, list[str]] | None = None,
) -> None:
    """Sightings on `day` of (external id, owner keys in PHONES joined by "+"), with `images`
    (external id -> pHashes); short distinct texts, so only shared numbers or images link
    adverts."""
    store_hand_made(
        database,
        DAY0 + timedelta(days=day),
        [
            (
                ext,
                "Odense",
                [PHONES[key] for key in owner.split("+")],
                f"Hej, ny i byen {ext}.",
                (images or {}).get(ext, []),
            )
            for ext, owner in adverts
        ],
    )
    analyse(database)


def _rows(database: Database) -> dict[str, Any]:
    """Per cluster: members with their joined_at, and its score row (id, computed_at)."""
    with database.session() as session:
        members: dict[int, set[tuple[str, datetime]]] = {}
        for cluster_id, ext, joined in session.execute(
            select(ClusterMember.cluster_id, Advert.external_id, ClusterMember.joined_at).join(
                Advert, Advert.id == ClusterMember.advert_id
            )
        ):
            members.setdefault(cluster_id, set()).add((ext, joined))
        scores = {
            subject: (score_id, at, score)
            for score_id, subject, at, score in session.execute(
                select(Score.id, Score.subject_id, Score.computed_at, Score.score).where(
                    Score.subject_kind == "cluster"
                )
            )
        }
        last_seen = {c: seen for c, seen in session.execute(select(Cluster.id, Cluster.last_seen))}
    return {"members": members, "scores": scores, "last_seen": last_seen}


def _cluster_of(rows: dict[str, Any], ext: str) -> int:
    return next(c for c, m in rows["members"].items() if ext in {e for e, _ in m})


def test_linking_incremental_rewrites_only_the_cluster_that_grew(
    database: Database, settings: Settings
) -> None:
    owners = [(f"{o}{i}", o) for o in PHONES for i in range(3)]
    _see(database, 0, owners)
    clock.set_now(DAY0 + timedelta(hours=2))
    first = link_database(database, settings)
    assert first.rewritten == 3 and first.clusters == 3
    before = _rows(database)
    # A day later: everyone is seen again (no new versions), and x gets two new adverts.
    _see(database, 1, [*owners, ("x3", "x"), ("x4", "x")])
    clock.set_now(DAY0 + timedelta(days=1, hours=2))
    second = link_database(database, settings)
    after = _rows(database)
    grown = _cluster_of(before, "x0")
    assert second.rewritten == 1 and second.clusters == 3 and second.events == {"grew": 1}
    assert _cluster_of(after, "x3") == grown
    assert after["scores"][grown][0] != before["scores"][grown][0]  # score row rewritten
    # Its old members keep their membership rows (joined_at); the new ones join now.
    assert before["members"][grown] < after["members"][grown]
    assert {e for e, at in after["members"][grown] - before["members"][grown]} == {"x3", "x4"}
    for owner in ("y", "z"):
        untouched = _cluster_of(before, f"{owner}0")
        assert after["members"][untouched] == before["members"][untouched]
        assert after["scores"][untouched] == before["scores"][untouched]
        # Dates change without new versions: refreshed from the members, not rescored.
        assert after["last_seen"][untouched] == DAY0 + timedelta(days=1)
    # A full run gives the same clusters and scores.
    full = link_database(database, settings, full=True)
    again = _rows(database)
    assert full.rewritten == 3
    assert {c: {e for e, _ in m} for c, m in again["members"].items()} == {
        c: {e for e, _ in m} for c, m in after["members"].items()
    }
    assert {c: s[2] for c, s in again["scores"].items()} == {
        c: s[2] for c, s in after["scores"].items()
    }


def test_linking_incremental_marks_quiet_clusters_vanished(
    database: Database, settings: Settings
) -> None:
    _see(database, 0, [("x0", "x"), ("x1", "x"), ("y0", "y")])
    clock.set_now(DAY0 + timedelta(hours=2))
    link_database(database, settings)
    _see(database, 1, [("y0", "y")])
    clock.set_now(DAY0 + timedelta(days=30))
    quiet = link_database(database, settings)
    assert quiet.rewritten == 0 and quiet.active_clusters == 0
    assert quiet.events == {"vanished": 2}
    with database.session() as session:
        kinds = list(session.scalars(select(ClusterEvent.kind).order_by(ClusterEvent.id)))
    assert kinds == ["created", "created", "vanished", "vanished"]


def test_linking_incremental_empties_clusters_whose_adverts_were_purged(
    database: Database, settings: Settings
) -> None:
    _see(database, 0, [("x0", "x"), ("x1", "x"), ("y0", "y"), ("y1", "y")])
    clock.set_now(DAY0 + timedelta(hours=2))
    link_database(database, settings)
    with database.session() as session:
        session.execute(delete(Advert).where(Advert.external_id.in_(["x0", "x1", "y1"])))
    after = link_database(database, settings)
    assert after.clusters == 1 and after.rewritten == 1  # y shrank; x is gone
    with database.session() as session:
        sizes = sorted(session.scalars(select(Cluster.size)))
        scored = session.execute(select(Score.subject_kind, Score.subject_id)).all()
        left = session.scalar(select(Advert.id).where(Advert.external_id == "y0"))
        cluster_id = session.scalar(select(ClusterMember.cluster_id))
    assert sizes == [0, 1]
    assert sorted(scored) == sorted([("advert", left), ("cluster", cluster_id)])


def _partition(database: Database) -> set[frozenset[str]]:
    members = _rows(database)["members"]
    return {frozenset(ext for ext, _ in m) for m in members.values()}


def test_linking_incremental_splits_a_cluster_whose_bridge_was_purged(
    database: Database, settings: Settings
) -> None:
    # b0 shows both numbers: it alone joins x's and y's adverts.
    _see(database, 0, [("a0", "x"), ("b0", "x+y"), ("c0", "y"), ("z0", "z")])
    clock.set_now(DAY0 + timedelta(hours=2))
    first = link_database(database, settings)
    assert first.clusters == 2
    with database.session() as session:
        session.execute(delete(Advert).where(Advert.external_id == "b0"))  # a retention purge
    after = link_database(database, settings)
    assert _partition(database) == {frozenset({"a0"}), frozenset({"c0"}), frozenset({"z0"})}
    assert after.clusters == 3 and after.events.get("split") == 1
    assert after.indexed == 2  # a0 and c0 searched again; z's cluster untouched
    link_database(database, settings, full=True)
    assert _partition(database) == {frozenset({"a0"}), frozenset({"c0"}), frozenset({"z0"})}


def test_linking_incremental_links_an_image_added_without_a_new_version(
    database: Database, settings: Settings
) -> None:
    photo = "c3a1f0e4b2d59687"
    _see(database, 0, [("a0", "x"), ("b0", "y"), ("c0", "z")], images={"a0": [photo]})
    clock.set_now(DAY0 + timedelta(hours=2))
    assert link_database(database, settings).clusters == 3
    # b0 shows a0's photo the next day; its text, city and number stay (no new version).
    _see(database, 1, [("b0", "y")], images={"b0": [photo]})
    clock.set_now(DAY0 + timedelta(days=1, hours=2))
    after = link_database(database, settings)
    assert after.signed == 1 and after.links_by_kind.get("image") == 1
    assert _partition(database) == {frozenset({"a0", "b0"}), frozenset({"c0"})}
    link_database(database, settings, full=True)
    assert _partition(database) == {frozenset({"a0", "b0"}), frozenset({"c0"})}


def test_linking_incremental_without_template_links(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    rules = tmp_path / "linking.yaml"
    rules.write_text(
        LINKING_FILE.read_text().replace(
            "enabled: [contact, template, image]", "enabled: [contact, image]"
        )
    )
    _see(database, 0, [("x0", "x"), ("y0", "y")])
    clock.set_now(DAY0 + timedelta(hours=2))
    assert link_database(database, settings, linking_file=rules).clusters == 2
    _see(database, 1, [("x1", "x"), ("z0", "z")])
    clock.set_now(DAY0 + timedelta(days=1, hours=2))
    after = link_database(database, settings, linking_file=rules)
    assert not after.full and after.signed == 0 and after.clusters == 3
    assert _partition(database) == {frozenset({"x0", "x1"}), frozenset({"y0"}), frozenset({"z0"})}
