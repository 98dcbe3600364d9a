"""Incremental runs: which clusters a run must rewrite, and a set-based refresh of the rest.

A cluster is dirty when its component differs from its stored membership (it gains or loses
adverts, merges or splits) or holds an advert with a new version (new text, city, contacts
or indicator hits) since the last run. Only dirty clusters are rescored; every other
cluster keeps its members and score, and only its first/last sighting and `active` flag
(which change without new versions) are refreshed from one aggregate over its members.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from models import Advert, Cluster, ClusterMember, Score


def dirty_labels(
    groups: dict[int, list[int]],
    old: dict[int, int],
    sizes: dict[int, int],
    changed: set[int],
) -> set[int]:
    """Component labels to rewrite; a clean component is exactly one stored cluster, whole,
    with its stored size and no changed advert."""
    before: dict[int, set[int]] = defaultdict(set)
    for advert_id, stored in old.items():
        before[stored].add(advert_id)
    dirty = set()
    for label, advert_ids in groups.items():
        cluster_id = old.get(advert_ids[0])
        if (
            cluster_id is None
            or sizes.get(cluster_id) != len(advert_ids)
            or any(a in changed for a in advert_ids)
            or before[cluster_id] != set(advert_ids)
        ):
            dirty.add(label)
    return dirty


def empty_purged(session: Session) -> None:
    """Clusters whose members were all deleted since (retention purge) become empty, as a
    full run leaves them: size 0, inactive, no score row."""
    orphans = select(Cluster.id).where(
        Cluster.size > 0,
        ~select(ClusterMember.advert_id).where(ClusterMember.cluster_id == Cluster.id).exists(),
    )
    cluster_ids = list(session.scalars(orphans))
    if cluster_ids:
        session.execute(
            update(Cluster).where(Cluster.id.in_(cluster_ids)).values(size=0, active=False)
        )
        session.execute(
            delete(Score).where(Score.subject_kind == "cluster", Score.subject_id.in_(cluster_ids))
        )
    # Scores of deleted adverts go with them.
    session.execute(
        delete(Score).where(
            Score.subject_kind == "advert", Score.subject_id.not_in(select(Advert.id))
        )
    )


def refresh_clean(
    session: Session, skip: set[int], horizon: datetime, now: datetime
) -> list[dict[str, Any]]:
    """Update first_seen, last_seen and active of every non-empty cluster not in `skip` from
    its members (one aggregate query, updates for changed rows only); returns the vanished
    and reappeared events."""
    live = case(
        (and_(Advert.gone_at.is_(None), Advert.last_seen >= horizon), 1),
        else_=0,
    )
    aggregate = (
        select(
            ClusterMember.cluster_id,
            func.min(Advert.first_seen).label("first_seen"),
            func.max(Advert.last_seen).label("last_seen"),
            func.max(live).label("live"),
        )
        .join(Advert, Advert.id == ClusterMember.advert_id)
        .group_by(ClusterMember.cluster_id)
        .subquery()
    )
    # Only clusters whose dates or flag differ come back: comparing in the database keeps
    # a run from building a row for every cluster of the store.
    rows = session.execute(
        select(
            Cluster.id,
            Cluster.active,
            aggregate.c.first_seen,
            aggregate.c.last_seen,
            aggregate.c.live,
        )
        .join(aggregate, aggregate.c.cluster_id == Cluster.id)
        .where(
            or_(
                Cluster.first_seen.is_distinct_from(aggregate.c.first_seen),
                Cluster.last_seen.is_distinct_from(aggregate.c.last_seen),
                Cluster.active.is_distinct_from(aggregate.c.live == 1),
            )
        )
    )
    updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for cluster_id, active, new_first, new_last, live_now in rows:
        if cluster_id in skip:
            continue
        active_now = bool(live_now)
        updates.append(
            {
                "cid": cluster_id,
                "first": new_first,
                "last": new_last,
                "act": active_now,
                "now": now,
            }
        )
        if active and not active_now:
            events.append({"cluster_id": cluster_id, "at": now, "kind": "vanished", "detail": {}})
        if active_now and not active:
            events.append(
                {
                    "cluster_id": cluster_id,
                    "at": now,
                    "kind": "reappeared",
                    "detail": {"new_contact": False},
                }
            )
    if updates:
        clusters = cast(Table, Cluster.__table__)  # declared as any FromClause; it is a Table
        session.connection().execute(
            update(clusters)
            .where(clusters.c.id == bindparam("cid"))
            .values(
                first_seen=bindparam("first"),
                last_seen=bindparam("last"),
                active=bindparam("act"),
                updated_at=bindparam("now"),
            ),
            updates,
        )
    return events
