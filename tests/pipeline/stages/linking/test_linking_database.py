"""Linking on a database (both engines): accuracy, stable ids, full run = incremental."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from models import AdvertLink, Cluster, ClusterEvent, ClusterMember, Score
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking.evaluation import evaluate_clusters
from pipeline.stages.linking.run import link_database

from helpers.linking_world import load_world


def _partition(database: Database) -> set[frozenset[int]]:
    with database.session() as session:
        rows = session.execute(select(ClusterMember.cluster_id, ClusterMember.advert_id)).all()
    groups: dict[int, set[int]] = {}
    for cluster_id, advert_id in rows:
        groups.setdefault(cluster_id, set()).add(advert_id)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.slow
def test_linking_demo_world_accuracy_ids_and_full_run(
    database: Database, settings: Settings, demo_truth: dict[str, Any]
) -> None:
    clock.set_now(datetime(2026, 11, 10, 13, tzinfo=UTC))
    load_world(database, demo_truth, up_to_day=8)
    link_database(database, settings)
    with database.session() as session:
        ids_before = {
            r[0]: r[1]
            for r in session.execute(select(ClusterMember.advert_id, ClusterMember.cluster_id))
        }
    load_world(database, demo_truth, up_to_day=13)
    clock.set_now(datetime(2026, 11, 15, 13, tzinfo=UTC))
    incremental = link_database(database, settings)
    assert 0 < incremental.searched < incremental.adverts
    with database.session() as session:
        # The default world has 6 controllers: the 6 highest-scored clusters should be theirs.
        accuracy = evaluate_clusters(session, demo_truth, k=6)
        members = session.scalar(select(func.count()).select_from(ClusterMember))
        ids_after = {
            r[0]: r[1]
            for r in session.execute(select(ClusterMember.advert_id, ClusterMember.cluster_id))
        }
        kinds = set(session.scalars(select(AdvertLink.kind).distinct()))
        events = set(session.scalars(select(ClusterEvent.kind).distinct()))
        top = session.scalars(
            select(Score)
            .where(Score.subject_kind == "cluster")
            .order_by(Score.score.desc())
            .limit(1)
        ).one()
    assert members == incremental.adverts  # every advert in exactly one cluster
    assert accuracy.precision >= 0.9 and accuracy.recall >= 0.9
    assert accuracy.top_k == 6 and accuracy.independents_in_top == 0
    assert kinds == {"contact", "template", "image"}
    assert {"created", "grew"} <= events
    # Clusters that grew kept their id.
    kept = [a for a in ids_before if ids_before[a] == ids_after[a]]
    assert len(kept) >= 0.9 * len(ids_before)
    reasons = " ".join(e["reason"] for e in top.explanation)
    assert "+45" not in reasons and "@" not in reasons
    partition = _partition(database)
    link_database(database, settings, full=True)
    assert _partition(database) == partition
    with database.session() as session:
        assert session.scalar(
            select(func.count()).select_from(Cluster).where(Cluster.size > 0)
        ) == len(partition)
