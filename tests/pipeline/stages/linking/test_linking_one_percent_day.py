"""After a day with 1 % new adverts, an incremental run leaves exactly what a full run leaves
(both engines): the links, the clusters with their dates and flags, and every score with
its explanation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from demo import iter_adverts
from demo.scale_items import store_scale_adverts
from models import AdvertLink, Cluster, ClusterMember, Score
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.run import link_database

N = 2500


def _store(database: Database, adverts: list[dict[str, Any]], start: int) -> None:
    """Stored as the linking benchmark stores them (one crawl batch), then analysed."""
    store_scale_adverts(database, adverts, start)
    analyse(database)


def _state(database: Database) -> dict[str, Any]:
    """Everything a run writes, keyed by advert ids (cluster ids are compared through their
    members: a full run keeps them, and the comparison must not depend on that)."""
    with database.session() as session:
        links = sorted(
            session.execute(
                select(
                    AdvertLink.advert_a_id,
                    AdvertLink.advert_b_id,
                    AdvertLink.kind,
                    AdvertLink.strength,
                )
            ).all()
        )
        members: dict[int, set[int]] = {}
        for cluster_id, advert_id in session.execute(
            select(ClusterMember.cluster_id, ClusterMember.advert_id)
        ):
            members.setdefault(cluster_id, set()).add(advert_id)
        scores = {
            (kind, subject): (score, explanation)
            for kind, subject, score, explanation in session.execute(
                select(Score.subject_kind, Score.subject_id, Score.score, Score.explanation)
            )
        }
        clusters = {
            frozenset(members.get(c.id, ())): (
                c.size,
                c.first_seen,
                c.last_seen,
                c.active,
                c.score,
                scores.pop(("cluster", c.id), None),
            )
            for c in session.scalars(select(Cluster).where(Cluster.size > 0))
        }
    return {"links": links, "clusters": clusters, "adverts": scores}


@pytest.mark.slow
def test_linking_incremental_after_a_one_percent_day_equals_a_full_run(
    database: Database, settings: Settings
) -> None:
    adverts = list(iter_adverts(N + N // 100, seed=11))
    clock.set_now(datetime(2026, 11, 20, 13, tzinfo=UTC))
    _store(database, adverts[:N], 0)
    link_database(database, settings)
    clock.set_now(datetime(2026, 11, 21, 13, tzinfo=UTC))
    _store(database, adverts[N:], N)  # the day's 1 %
    incremental = link_database(database, settings)
    assert not incremental.full and incremental.signed == N // 100
    assert incremental.indexed < N  # it held a neighbourhood, not the store
    after_incremental = _state(database)
    full = link_database(database, settings, full=True)
    assert full.full and full.indexed == N + N // 100
    after_full = _state(database)
    assert len(after_full["clusters"]) > 50 and after_full["links"]
    assert after_incremental["links"] == after_full["links"]
    assert after_incremental["clusters"].keys() == after_full["clusters"].keys()
    assert after_incremental["clusters"] == after_full["clusters"]
    assert after_incremental["adverts"] == after_full["adverts"]
