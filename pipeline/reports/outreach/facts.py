"""Batch reads behind the target list: members, contacts, scores, languages, contact log.

Reads about a cluster's adverts select them through `cluster_members` by cluster id: a
list of a few hundred cluster ids, not of tens of thousands of advert ids (compiling an
IN list of 10⁴ parameters cost more than running the query).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
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
        rows = session.execute(
            select(
                AdvertContact.advert_id,
                ContactPoint.id,
                ContactPoint.kind,
                ContactPoint.pseudonym,
                ContactPoint.country,
                ContactPoint.number_type,
                AdvertContact.source,
            )
            .join(ContactPoint, ContactPoint.id == AdvertContact.contact_point_id)
            .join(ClusterMember, ClusterMember.advert_id == AdvertContact.advert_id)
            .where(ClusterMember.cluster_id.in_(ids))
        )
        for row in rows:
            found[row[0]].append(Contact(*row))
    return found


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
