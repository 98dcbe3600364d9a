"""One linking run over the database: links, clusters with stable ids and events, scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from models import AdvertLink, AuditEntry, Cluster, ClusterEvent, ClusterMember, Score
from nlp.rules import load_rules
from pipeline import audit, clock
from pipeline.db import Database
from pipeline.linking import store
from pipeline.linking.config import LinkingRules, load_linking
from pipeline.linking.facts import AdvertFacts
from pipeline.linking.identity import assign
from pipeline.linking.indicators import cross_indicators
from pipeline.linking.linker import Link, Linker, components
from pipeline.linking.scoring import (
    advert_explanations,
    merge_member_explanations,
    regional_medians,
    total,
)
from pipeline.settings import Settings

Progress = Callable[[str, int, int], None]


@dataclass
class LinkSummary:
    ruleset_version: str
    full: bool
    adverts: int = 0
    searched: int = 0
    links_by_kind: dict[str, int] = field(default_factory=dict)
    clusters: int = 0
    active_clusters: int = 0
    targets: int = 0
    boilerplate: int = 0  # (advert, band) entries not linked: text shared by many contacts
    events: dict[str, int] = field(default_factory=dict)


def _last_version(session: Session) -> int | None:
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "link")
                           .order_by(AuditEntry.id.desc()).limit(1))
    return None if entry is None else int(entry.params.get("last_version_id", 0))


def _links(session: Session, facts: dict[int, AdvertFacts], rules: LinkingRules, full: bool,
           summary: LinkSummary) -> list[Link]:
    """Kept links among unchanged adverts plus new links of new and changed ones."""
    old_members = store.memberships(session)
    last = _last_version(session)
    ids = sorted(facts)
    stored = store.stored_links(session)
    if full or last is None:
        changed = set(ids)
    else:
        changed = store.changed_since(session, last) | {a for a in ids if a not in old_members}
    kept = [link for link in stored if link.a not in changed and link.b not in changed]
    # Stored links are a spanning forest: dropping a changed advert's links can cut a path
    # between its neighbours, so they are searched again (their own links stay).
    search = changed | {x.b if x.a in changed else x.a for x in stored
                        if x.a in changed or x.b in changed}
    linker = Linker(rules.config)
    linker.connect(kept)
    linker.add(store.load_records(session, [a for a in ids if a not in search], facts),
               search=False)
    fresh = linker.add(store.load_records(session, [a for a in ids if a in search], facts))
    summary.searched = len(search)
    summary.boilerplate = linker.boilerplate
    if changed:
        touched = list(changed)
        for start in range(0, len(touched), 5000):
            part = touched[start:start + 5000]
            session.execute(delete(AdvertLink).where(or_(AdvertLink.advert_a_id.in_(part),
                                                         AdvertLink.advert_b_id.in_(part))))
    if fresh:
        now = clock.now()
        session.execute(insert(AdvertLink), [
            {"advert_a_id": x.a, "advert_b_id": x.b, "kind": x.kind, "strength": x.strength,
             "evidence": x.evidence, "created_at": now} for x in fresh])
    enabled = set(rules.config.links.enabled)
    return [x for x in kept + fresh if x.kind in enabled]


def _events(cluster_id: int, members: list[AdvertFacts], previous: set[int],
            was_active: bool | None, active: bool, facts: dict[int, AdvertFacts]) -> list[dict]:
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


def link_database(database: Database, settings: Settings, full: bool = False,
                  rules_dir: Path | None = None, linking_file: Path | None = None,
                  on_progress: Progress | None = None) -> LinkSummary:
    """Link, cluster and score; `full` re-searches every advert (same clusters as incremental)."""
    ruleset, rules = load_rules(rules_dir), load_linking(linking_file)
    version = f"{ruleset.version[:6]}{rules.version[:6]}"
    summary = LinkSummary(version, full)
    progress = on_progress or (lambda stage, done, total: None)
    with database.session() as session:
        facts = store.load_facts(session)
        summary.adverts = len(facts)
        progress("linking", 0, 3)
        links = _links(session, facts, rules, full, summary)
        for link in links:
            summary.links_by_kind[link.kind] = summary.links_by_kind.get(link.kind, 0) + 1
        progress("clustering", 1, 3)
        label_of = components(facts, links)
        groups: dict[int, list[int]] = defaultdict(list)
        for advert_id, label in label_of.items():
            groups[label].append(advert_id)
        _write_clusters(session, facts, groups, links, rules, ruleset, version, summary)
        progress("scoring", 3, 3)
        audit.record(session, settings, "link", params={
            "full": full, "last_version_id": store.max_version_id(session),
            "ruleset_version": version}, counts={"adverts": summary.adverts,
                                                 "clusters": summary.clusters})
    return summary


def _write_clusters(session: Session, facts: dict[int, AdvertFacts],
                    groups: dict[int, list[int]], links: list[Link], rules: LinkingRules,
                    ruleset: Any, version: str, summary: LinkSummary) -> None:
    old = store.memberships(session)
    before: dict[int, set[int]] = defaultdict(set)
    for advert_id, cluster_id in old.items():
        before[cluster_id].add(advert_id)
    clusters = {c.id: c for c in session.scalars(select(Cluster))}
    plan = assign(groups, old)
    now = clock.now()
    horizon = now - timedelta(days=rules.config.clusters.active_days)
    medians = regional_medians(list(facts.values()))
    per_advert = {a: advert_explanations(f, medians, ruleset) for a, f in facts.items()}
    label_of = {a: label for label, ids in groups.items() for a in ids}
    links_of: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        links_of[label_of[link.a]].append(link)
    events: list[dict[str, Any]] = []
    session.execute(delete(ClusterMember))
    members_rows, scores = [], []
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
                events.append({"cluster_id": plan.split_from[label], "at": now, "kind": "split",
                               "detail": {"into": cluster.id}})
        cluster.first_seen = min(a.first_seen for a in members)
        cluster.last_seen = max(a.last_seen for a in members)
        cluster.active = any(a.gone_at is None and a.last_seen >= horizon for a in members)
        cluster.size, cluster.updated_at = len(members), now
        cluster.merged_into_id = None
        events += _events(cluster.id, members, before.get(cluster.id, set()), was_active,
                          cluster.active, facts)
        members_rows += [{"cluster_id": cluster.id, "advert_id": a.advert_id, "joined_at": now}
                         for a in members]
        label_links = links_of.get(label, [])
        explanation = (merge_member_explanations([per_advert[a.advert_id] for a in members])
                       + [{**x, "ruleset_version": version}
                          for x in cross_indicators(rules, members, label_links)])
        cluster.score, cluster.ruleset_version = total(explanation), version
        summary.clusters += 1
        summary.active_clusters += cluster.active
        summary.targets += cluster.active and cluster.score >= rules.config.target_threshold
        scores.append({"subject_kind": "cluster", "subject_id": cluster.id, "score": cluster.score,
                       "ruleset_version": version, "explanation": explanation, "computed_at": now})
    for kept, absorbed in plan.merged.items():
        for cluster_id in absorbed:
            clusters[cluster_id].merged_into_id, clusters[cluster_id].size = kept, 0
            clusters[cluster_id].active = False
            events.append({"cluster_id": kept, "at": now, "kind": "merged",
                           "detail": {"absorbed": cluster_id}})
    for cluster_id in plan.emptied:
        clusters[cluster_id].size, clusters[cluster_id].active = 0, False
    session.flush()
    if members_rows:
        session.execute(insert(ClusterMember), members_rows)
    scores += [{"subject_kind": "advert", "subject_id": a, "score": total(e),
                "ruleset_version": version, "explanation": e, "computed_at": now}
               for a, e in per_advert.items()]
    session.execute(delete(Score))
    session.execute(insert(Score), scores)
    if events:
        session.execute(insert(ClusterEvent), events)
    for event in events:
        summary.events[event["kind"]] = summary.events.get(event["kind"], 0) + 1
