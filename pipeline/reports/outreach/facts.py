"""Batch reads behind the target list and the target page: members, contacts, scores,
languages, contact log.

Reads about a cluster's adverts select them through `cluster_members` by cluster id: a
list of a few hundred cluster ids, not of tens of thousands of advert ids (compiling an
IN list of 10⁴ parameters cost more than running the query). The target list's reads
take the listed clusters as a subquery (`listed_clusters`) and return one row per cluster, or per
cluster and distinct value: the database aggregates the adverts, Python never sees them
one by one (at 10⁵ adverts reading each listed advert took tens of seconds).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, distinct, func, select, text
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    Cluster,
    ClusterMember,
    ContactLogEntry,
    ContactPoint,
    Score,
    Suppression,
    shown_city,
)
from pipeline.core.batches import chunked, in_batches


@dataclass(frozen=True)
class Member:
    cluster_id: int
    advert_id: int
    site_id: int
    city: str | None
    region: str | None
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None
    suppressed: bool
    kind: str = "escort"  # the advert's kind (pipeline/core/kinds.py)


@dataclass(frozen=True)
class Contact:
    advert_id: int
    point_id: int
    kind: str
    pseudonym: str
    country: str | None
    number_type: str | None
    source: str


def members(session: Session, cluster_ids: Sequence[int]) -> dict[int, list[Member]]:
    found: dict[int, list[Member]] = defaultdict(list)
    for ids in chunked(cluster_ids):
        rows = session.execute(
            select(
                ClusterMember.cluster_id,
                Advert.id,
                Advert.site_id,
                shown_city(Advert),
                Advert.region,
                Advert.first_seen,
                Advert.last_seen,
                Advert.gone_at,
                Advert.suppressed,
                Advert.kind,
            )
            .join(Advert, Advert.id == ClusterMember.advert_id)
            .where(ClusterMember.cluster_id.in_(ids))
        )
        for row in rows:
            found[row[0]].append(Member(*tuple(row)))
    return found


def contacts(session: Session, cluster_ids: Sequence[int]) -> dict[int, list[Contact]]:
    """The contact points of the clusters' adverts, by advert id."""
    found: dict[int, list[Contact]] = defaultdict(list)
    for ids in chunked(cluster_ids):
        for row in session.execute(_contact_rows(AdvertContact.advert_id, ids)):
            found[row[0]].append(Contact(*row))
    return found


def _contact_rows(key: Any, cluster_ids: Select[int] | Sequence[int]) -> Select[Any]:
    """(key, point id, kind, pseudonym, country, number type, how the advert gave it) of the
    contact points of the clusters' adverts."""
    return (
        select(
            key,
            ContactPoint.id,
            ContactPoint.kind,
            ContactPoint.pseudonym,
            ContactPoint.country,
            ContactPoint.number_type,
            AdvertContact.source,
        )
        .join(ContactPoint, ContactPoint.id == AdvertContact.contact_point_id)
        .join(ClusterMember, ClusterMember.advert_id == AdvertContact.advert_id)
        .where(ClusterMember.cluster_id.in_(cluster_ids))
    )


def suppressed_pseudonyms(session: Session) -> set[str]:
    return set(
        session.scalars(select(Suppression.pseudonym).where(Suppression.lifted_at.is_(None)))
    )


def latest_scores(session: Session, cluster_ids: Sequence[int]) -> dict[int, Score]:
    found: dict[int, Score] = {}
    for ids in chunked(cluster_ids):
        rows = session.scalars(
            select(Score)
            .where(Score.subject_kind == "cluster", Score.subject_id.in_(ids))
            .order_by(Score.computed_at, Score.id)
        )
        for score in rows:
            found[score.subject_id] = score  # ordered, so the newest wins
    return found


def latest_analysis(
    session: Session, cluster_ids: Sequence[int], keys: Sequence[str]
) -> dict[int, dict[str, Any]]:
    """Some top-level `keys` of the latest analysis of each of the clusters' adverts.

    Only those parts leave the database (JSON paths on both engines): a whole analysis is
    large, and decoding thousands of them was most of the target list's time.
    """
    found: dict[int, dict[str, Any]] = {}
    parts = [AdvertVersion.analysis[key] for key in keys]
    for ids in chunked(cluster_ids):
        rows = session.execute(
            select(AdvertVersion.advert_id, *parts)
            .join(ClusterMember, ClusterMember.advert_id == AdvertVersion.advert_id)
            .where(ClusterMember.cluster_id.in_(ids), AdvertVersion.analysis.is_not(None))
            .order_by(AdvertVersion.seen_at, AdvertVersion.id)
        )
        for advert_id, *values in rows:
            found[advert_id] = {k: v for k, v in zip(keys, values, strict=True) if v is not None}
    return found


def last_contacts(session: Session, targets: Sequence[str]) -> dict[str, ContactLogEntry]:
    found: dict[str, ContactLogEntry] = {}
    query = select(ContactLogEntry).order_by(ContactLogEntry.at, ContactLogEntry.id)
    for part in in_batches(query, ContactLogEntry.target, targets):
        for entry in session.scalars(part):
            found[entry.target] = entry
    return found


@dataclass(frozen=True)
class Summary:
    """A listed cluster's adverts in one row: what the target list shows about them."""

    cluster_id: int
    kind: str
    adverts: int
    sites: int
    first_seen: datetime
    last_seen: datetime
    live: int  # adverts not gone
    suppressed: int  # adverts on the opt-out list


def listed_clusters(min_score: float) -> Select[int]:
    """The ids of active, unmerged clusters scoring at least `min_score` (a subquery)."""
    return select(Cluster.id).where(
        Cluster.active.is_(True), Cluster.merged_into_id.is_(None), Cluster.score >= min_score
    )


def summaries(session: Session, listed: Select[int]) -> dict[int, Summary]:
    """One `Summary` per listed cluster that has adverts."""
    rows = session.execute(
        select(
            ClusterMember.cluster_id,
            func.min(Advert.kind),  # a cluster holds one kind
            func.count(),
            func.count(distinct(Advert.site_id)),
            func.min(Advert.first_seen),
            func.max(Advert.last_seen),
            func.sum(case((Advert.gone_at.is_(None), 1), else_=0)),
            func.sum(case((Advert.suppressed.is_(True), 1), else_=0)),
        )
        .join(Advert, Advert.id == ClusterMember.advert_id)
        .where(ClusterMember.cluster_id.in_(listed))
        .group_by(ClusterMember.cluster_id)
    )
    return {row[0]: Summary(*row) for row in rows}


def cities_by_recency(session: Session, listed: Select[int]) -> dict[int, list[str]]:
    """Each listed cluster's distinct shown cities, the most recently seen first (of two
    seen at the same time, the one of the newer advert)."""
    city = shown_city(Advert)
    ranked = (
        select(
            ClusterMember.cluster_id,
            city.label("city"),
            Advert.last_seen,
            Advert.id,
            func.row_number()
            .over(
                partition_by=(ClusterMember.cluster_id, city),
                order_by=(Advert.last_seen.desc(), Advert.id.desc()),
            )
            .label("n"),
        )
        .join(Advert, Advert.id == ClusterMember.advert_id)
        .where(ClusterMember.cluster_id.in_(listed), city.is_not(None))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.cluster_id, ranked.c.city)
        .where(ranked.c.n == 1)
        .order_by(ranked.c.cluster_id, ranked.c.last_seen.desc(), ranked.c.id.desc())
    )
    found: dict[int, list[str]] = defaultdict(list)
    for cluster_id, name in rows:
        found[cluster_id].append(name)
    return found


def regions(session: Session, listed: Select[int]) -> dict[int, set[str]]:
    rows = session.execute(
        select(ClusterMember.cluster_id, Advert.region)
        .join(Advert, Advert.id == ClusterMember.advert_id)
        .where(ClusterMember.cluster_id.in_(listed), Advert.region.is_not(None))
        .distinct()
    )
    found: dict[int, set[str]] = defaultdict(set)
    for cluster_id, region in rows:
        if region is not None:  # (the query leaves none out; for the type checker)
            found[cluster_id].add(region)
    return found


def cluster_contacts(session: Session, listed: Select[int]) -> dict[int, list[Contact]]:
    """The distinct contact points (with how each advert gave them) of each listed cluster;
    a `Contact`'s advert_id is 0 here (the list needs the points, not which advert)."""
    found: dict[int, list[Contact]] = defaultdict(list)
    for row in session.execute(_contact_rows(ClusterMember.cluster_id, listed).distinct()):
        found[row[0]].append(Contact(0, *row[1:]))
    return found


# The latest analysed version of each listed advert (by seen_at, then id), with its cluster:
# no newer analysed version exists (an index probe each; a window over them sorted them all).
# Materialised: both halves of the query below read it.
_LATEST = """
WITH latest AS MATERIALIZED (
  SELECT m.cluster_id, v.advert_id, v.analysis
  FROM advert_versions v JOIN cluster_members m ON m.advert_id = v.advert_id
  WHERE m.cluster_id IN ({listed}) AND v.analysis IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM advert_versions w
    WHERE w.advert_id = v.advert_id AND w.analysis IS NOT NULL
      AND (w.seen_at > v.seen_at OR (w.seen_at = v.seen_at AND w.id > v.id)))
)
"""
# Per engine, from that version's analysis JSON: (cluster, 0, language, adverts written at
# least min_share in it) and (cluster, 1, a nationality stated, 0).
_LANGUAGE_SQL = {
    "sqlite": """
SELECT latest.cluster_id, 0, json_extract(e.value, '$.lang'), count(DISTINCT latest.advert_id)
FROM latest, json_each(latest.analysis, '$.languages') AS e
WHERE coalesce(json_extract(e.value, '$.share'), 0) >= :min_share
GROUP BY latest.cluster_id, json_extract(e.value, '$.lang')
UNION ALL
SELECT DISTINCT latest.cluster_id, 1, e.value, 0
FROM latest, json_each(latest.analysis, '$.nationalities') AS e
""",
    "postgresql": """
SELECT latest.cluster_id, 0, e.value ->> 'lang', count(DISTINCT latest.advert_id)
FROM latest CROSS JOIN LATERAL jsonb_array_elements(CASE
  WHEN jsonb_typeof(latest.analysis -> 'languages') = 'array'
  THEN latest.analysis -> 'languages' ELSE '[]'::jsonb END) AS e
WHERE coalesce((e.value ->> 'share')::float, 0) >= :min_share
GROUP BY latest.cluster_id, e.value ->> 'lang'
UNION ALL
SELECT DISTINCT latest.cluster_id, 1, e.value, 0
FROM latest CROSS JOIN LATERAL jsonb_array_elements_text(CASE
  WHEN jsonb_typeof(latest.analysis -> 'nationalities') = 'array'
  THEN latest.analysis -> 'nationalities' ELSE '[]'::jsonb END) AS e
""",
}


def languages(
    session: Session, listed: Select[int], min_share: float
) -> tuple[dict[int, Counter[str]], dict[int, set[str]]]:
    """Per listed cluster: how many adverts are written (at least `min_share`) in each
    language, and the nationalities they state — from each advert's latest analysis, read
    inside the database (JSON functions of each engine), not decoded here."""
    dialect = session.get_bind().dialect
    compiled = listed.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    query = text(_LATEST.format(listed=compiled) + _LANGUAGE_SQL[dialect.name])
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    nationalities: dict[int, set[str]] = defaultdict(set)
    for cluster_id, part, value, adverts in session.execute(query, {"min_share": min_share}):
        if part == 0:
            counts[cluster_id][str(value)] = adverts
        else:
            nationalities[cluster_id].add(str(value))
    return counts, nationalities
