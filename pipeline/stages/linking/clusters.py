"""Writing one linking run's clusters: stable ids, membership, events and explained scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import Cluster, ClusterMember, Score
from pipeline.core import clock
from pipeline.core.batches import in_batches
from pipeline.stages.linking.config import LinkingRules
from pipeline.stages.linking.facts import AdvertFacts
from pipeline.stages.linking.identity import assign
from pipeline.stages.linking.indicators import cross_indicators
from pipeline.stages.linking.jobs import job_cross_indicators
from pipeline.stages.linking.linker import Link
from pipeline.stages.linking.scoring import (
    advert_explanations,
    merge_member_explanations,
    total,
)

# Each kind's cross-advert indicators (escort: those of the linking rule file); a cluster
# holds one kind of advert (run.py drops links between kinds).
CROSS_INDICATORS: dict[str, Callable[[LinkingRules, list[AdvertFacts], list[Link]], Any]] = {
    "escort": cross_indicators,
    "job": job_cross_indicators,
}


def _events(
    cluster_id: int,
    members: list[AdvertFacts],
    previous: set[int],
    was_active: bool | None,
    active: bool,
    facts: dict[int, AdvertFacts],
) -> list[dict]:
    now = clock.now()
    out: list[dict[str, Any]] = []
    joined = [a for a in members if a.advert_id not in previous]
    old = [facts[a] for a in previous if a in facts]
    if was_active is None:
        out.append({"kind": "created", "detail": {"size": len(members)}})
    elif joined:
        out.append({"kind": "grew", "detail": {"joined": len(joined), "size": len(members)}})
    old_contacts = {c for a in old for c in a.contacts}
    new_contacts = {c[:8] for a in joined for c in a.contacts} - {c[:8] for c in old_contacts}
    if old and new_contacts:
        out.append({"kind": "new_contact", "detail": {"contacts": sorted(new_contacts)}})
    old_cities = {city for a in old for _, city in a.timeline}
    new_cities = sorted({a.timeline[-1][1] for a in joined if a.timeline} - old_cities)
    if old and new_cities:
        out.append({"kind": "moved", "detail": {"cities": new_cities}})
    if was_active is True and not active:
        out.append({"kind": "vanished", "detail": {}})
    if was_active is False and active:
        out.append({"kind": "reappeared", "detail": {"new_contact": bool(new_contacts)}})
    return [{"cluster_id": cluster_id, "at": now, **event} for event in out]


def _delete_rows(
    session: Session, moved: list[int], rescored: list[int], cluster_ids: list[int]
) -> None:
    """Memberships of the adverts that moved, scores of the rescored adverts and of the
    rewritten clusters."""
    scores = delete(Score)
    for statement in [
        *in_batches(delete(ClusterMember), ClusterMember.advert_id, moved),
        *in_batches(scores.where(Score.subject_kind == "advert"), Score.subject_id, rescored),
        *in_batches(scores.where(Score.subject_kind == "cluster"), Score.subject_id, cluster_ids),
    ]:
        session.execute(statement)


def write_clusters(
    session: Session,
    facts: dict[int, AdvertFacts],
    groups: dict[int, list[int]],
    old: dict[int, int],
    links: list[Link],
    rules: LinkingRules,
    ruleset: Any,
    version: str,
    medians: dict[tuple[str, str], float],
    changed: set[int] | None,
) -> tuple[list[dict[str, Any]], set[int]]:
    """Rewrite the clusters of `groups`: every component in a full run (`changed` None), else
    the dirty ones, whose adverts' old memberships `old` holds. Then only adverts that moved
    get new membership rows (an advert keeps its `joined_at` while it stays), and only the
    `changed` adverts new score rows (an advert's own score depends on its facts alone);
    every rewritten cluster is rescored. Returns the events and the cluster ids written
    (kept, new, merged away or emptied)."""
    full = changed is None
    before: dict[int, set[int]] = defaultdict(set)
    for advert_id, cluster_id in old.items():
        before[cluster_id].add(advert_id)
    query = select(Cluster) if full else select(Cluster).where(Cluster.id.in_(sorted(before)))
    clusters = {c.id: c for c in session.scalars(query)}
    plan = assign(groups, old)
    now = clock.now()
    horizon = now - timedelta(days=rules.config.clusters.active_days)
    per_advert = {a: advert_explanations(f, medians, ruleset) for a, f in facts.items()}
    label_of = {a: label for label, ids in groups.items() for a in ids}
    links_of: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        if link.a in label_of:
            links_of[label_of[link.a]].append(link)
    events: list[dict[str, Any]] = []
    if full:
        session.execute(delete(ClusterMember))
        session.execute(delete(Score))
    members_rows: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for label, advert_ids in sorted(groups.items()):
        members = [facts[a] for a in sorted(advert_ids)]
        cluster = clusters.get(plan.cluster_of[label] or -1)
        was_active = None if cluster is None else cluster.active
        if cluster is None:
            cluster = Cluster(first_seen=now, last_seen=now)
            session.add(cluster)
            session.flush()
            clusters[cluster.id] = cluster
            if label in plan.split_from:
                events.append(
                    {
                        "cluster_id": plan.split_from[label],
                        "at": now,
                        "kind": "split",
                        "detail": {"into": cluster.id},
                    }
                )
        cluster.first_seen = min(a.first_seen for a in members)
        cluster.last_seen = max(a.last_seen for a in members)
        cluster.active = any(a.gone_at is None and a.last_seen >= horizon for a in members)
        cluster.size, cluster.updated_at = len(members), now
        cluster.merged_into_id = None
        events += _events(
            cluster.id, members, before.get(cluster.id, set()), was_active, cluster.active, facts
        )
        members_rows += [
            {"cluster_id": cluster.id, "advert_id": a.advert_id, "joined_at": now}
            for a in members
            if full or old.get(a.advert_id) != cluster.id
        ]
        label_links = links_of.get(label, [])
        explanation = merge_member_explanations([per_advert[a.advert_id] for a in members]) + [
            {**x, "ruleset_version": version}
            for x in CROSS_INDICATORS.get(members[0].kind, cross_indicators)(
                rules, members, label_links
            )
        ]
        cluster.score, cluster.ruleset_version = total(explanation), version
        scores.append(
            {
                "subject_kind": "cluster",
                "subject_id": cluster.id,
                "score": cluster.score,
                "ruleset_version": version,
                "explanation": explanation,
                "computed_at": now,
            }
        )
    for kept, absorbed in plan.merged.items():
        for cluster_id in absorbed:
            clusters[cluster_id].merged_into_id, clusters[cluster_id].size = kept, 0
            clusters[cluster_id].active = False
            events.append(
                {
                    "cluster_id": kept,
                    "at": now,
                    "kind": "merged",
                    "detail": {"absorbed": cluster_id},
                }
            )
    for cluster_id in plan.emptied:
        clusters[cluster_id].size, clusters[cluster_id].active = 0, False
    written = set(before) | {row["subject_id"] for row in scores}
    rescored = sorted(per_advert) if full else sorted(per_advert.keys() & (changed or set()))
    if not full:
        moved = sorted(row["advert_id"] for row in members_rows)
        _delete_rows(session, moved, rescored, sorted(written))
    session.flush()
    if members_rows:
        session.execute(insert(ClusterMember), members_rows)
    scores += [
        {
            "subject_kind": "advert",
            "subject_id": a,
            "score": total(e),
            "ruleset_version": version,
            "explanation": e,
            "computed_at": now,
        }
        for a in rescored
        for e in (per_advert[a],)
    ]
    if scores:
        session.execute(insert(Score), scores)
    return events, written
