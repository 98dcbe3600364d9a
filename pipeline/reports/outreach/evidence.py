"""`scout targets show`: why a target is on the list — adverts, links, cities over time, hits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertLink,
    AdvertVersion,
    Cluster,
    ClusterEvent,
    IndicatorHit,
    Site,
    shown_city,
)
from pipeline.core.errors import ScoutError
from pipeline.reports.outreach import facts
from pipeline.reports.outreach.sanitize import clean, excerpt, masked_line

PSEUDONYM_SHOWN = 12  # enough to name a contact point for `scout suppress lift`, not to join


@dataclass
class TargetEvidence:
    target_id: str
    cluster: dict[str, Any]
    reasons: list[dict[str, Any]] = field(default_factory=list)
    adverts: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    # with a limit: how many adverts the target has in all (the list shows fewer)
    adverts_total: int = 0

    def as_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, ensure_ascii=False, default=str)


def _safe(value: Any, limit: int = 100) -> str:
    """A value as masked, printable text. A cluster repeats its template's signs and its
    links' evidence many times (on a large target ~100 texts, ~20 distinct) and finding
    contacts is costly: each distinct text is masked once (`masked.MASKED`)."""
    return masked_line(value if isinstance(value, str) else json.dumps(value), limit)


def find_cluster(session: Session, cluster_id: int) -> Cluster:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None:
        raise ScoutError(f"no target C{cluster_id}")
    if cluster.merged_into_id is not None:
        raise ScoutError(f"C{cluster_id} was merged into C{cluster.merged_into_id}; use that id")
    return cluster


def _adverts(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Advert, Site.name, shown_city(Advert))
        .join(Site, Site.id == Advert.site_id)
        .where(Advert.id.in_(ids))
        .order_by(Advert.first_seen)
    )
    return [
        {
            "advert": f"A{a.id}",
            "site": clean(site),
            "city": clean(city),
            "first_seen": a.first_seen.isoformat(timespec="minutes"),
            "last_seen": a.last_seen.isoformat(timespec="minutes"),
            # the date the site gives for the advert (its own, local clock), when it gives one
            "posted": a.posted_at.isoformat(timespec="minutes") if a.posted_at else None,
            "live": a.gone_at is None,
            "language": clean(a.language, 8) or None,
            "excerpt": excerpt(a.title, a.text),
        }
        for a, site, city in rows
    ]


def _timeline(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AdvertVersion.seen_at, shown_city(AdvertVersion), AdvertVersion.advert_id)
        .where(AdvertVersion.advert_id.in_(ids))
        .order_by(AdvertVersion.seen_at, AdvertVersion.id)
    )
    timeline: list[dict[str, Any]] = []
    previous = None
    for seen_at, city, advert_id in rows:
        if timeline and city == previous:
            continue  # one line per move, not per version
        previous = city
        timeline.append(
            {
                "from": seen_at.date().isoformat(),
                "city": clean(city) or "-",
                "advert": f"A{advert_id}",
            }
        )
    return timeline


def _links(session: Session, ids: list[int], limit: int | None = None) -> list[dict[str, Any]]:
    # columns, not entities: building ORM objects was a fifth of a page once masking was kept
    query = select(
        AdvertLink.advert_a_id,
        AdvertLink.advert_b_id,
        AdvertLink.kind,
        AdvertLink.strength,
        AdvertLink.evidence,
    ).where(or_(AdvertLink.advert_a_id.in_(ids), AdvertLink.advert_b_id.in_(ids)))
    if limit is None:
        query = query.order_by(AdvertLink.id)
    else:  # the strongest first
        query = query.order_by(AdvertLink.strength.desc(), AdvertLink.id).limit(limit)
    return [
        {
            "between": f"A{a} A{b}",
            "kind": clean(kind),
            "strength": round(strength, 3),
            "evidence": _safe(evidence, 80),
        }
        for a, b, kind, strength, evidence in session.execute(query)
    ]


def _hits(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            IndicatorHit.advert_id,
            IndicatorHit.rule_id,
            IndicatorHit.category,
            IndicatorHit.weight,
            IndicatorHit.evidence,
        )
        .where(IndicatorHit.advert_id.in_(ids))
        .order_by(IndicatorHit.advert_id, IndicatorHit.rule_id, IndicatorHit.id)
    )
    seen: set[tuple[int, str]] = set()
    hits = []
    for advert_id, rule_id, category, weight, found in rows:
        if (advert_id, rule_id) in seen:
            continue  # the same sign in every version of an advert is one piece of evidence
        seen.add((advert_id, rule_id))
        hits.append(
            {
                "advert": f"A{advert_id}",
                "rule_id": rule_id,
                "category": category,
                "weight": weight,
                "matched": _safe((found or {}).get("text", ""), 60),
            }
        )
    return hits


def target_evidence(session: Session, cluster_id: int, limit: int | None = None) -> TargetEvidence:
    """Everything that puts one target on the list, with contact values masked.

    With `limit`, only the `limit` most recently seen adverts are shown (with their signs,
    and the `limit` strongest links that touch them): masking each excerpt costs, and a
    page of hundreds of adverts helps nobody. The timeline still covers every advert.
    """
    cluster = find_cluster(session, cluster_id)
    members = facts.members(session, [cluster_id]).get(cluster_id, [])
    ids = [m.advert_id for m in members]
    recent = sorted(members, key=lambda m: (m.last_seen, m.advert_id), reverse=True)
    shown = ids if limit is None else [m.advert_id for m in recent[:limit]]
    score = facts.latest_scores(session, [cluster_id]).get(cluster_id)
    suppressed = facts.suppressed_pseudonyms(session)
    points = {
        c.point_id: c for group in facts.contacts(session, [cluster_id]).values() for c in group
    }
    events = session.scalars(
        select(ClusterEvent)
        .where(ClusterEvent.cluster_id == cluster_id)
        .order_by(ClusterEvent.at, ClusterEvent.id)
    )
    return TargetEvidence(
        target_id=f"C{cluster_id}",
        cluster={
            "score": round(cluster.score, 3),
            "ruleset_version": cluster.ruleset_version,
            "active": cluster.active,
            "size": cluster.size,
            "first_seen": cluster.first_seen.isoformat(timespec="minutes"),
            "last_seen": cluster.last_seen.isoformat(timespec="minutes"),
        },
        reasons=[
            {
                "rule_id": clean(str(item.get("rule_id"))),
                "weight": item.get("weight"),
                "reason": _safe(str(item.get("reason") or ""), 160),
            }
            for item in (score.explanation if score is not None else [])
        ],
        adverts=_adverts(session, shown),
        adverts_total=len(ids),
        links=_links(session, shown, limit),
        timeline=_timeline(session, ids),
        hits=_hits(session, shown),
        contacts=[
            {
                "kind": c.kind,
                "pseudonym": c.pseudonym[:PSEUDONYM_SHOWN],
                "country": c.country,
                "type": c.number_type,
                "via": c.source,
                "suppressed": c.pseudonym in suppressed,
            }
            for c in points.values()
        ],
        events=[
            {
                "at": e.at.isoformat(timespec="minutes"),
                "kind": clean(e.kind),
                "detail": _safe(e.detail, 80),
            }
            for e in events
        ],
    )
