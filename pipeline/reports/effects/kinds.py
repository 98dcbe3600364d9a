"""Kinds of advert (escort, clinic, job): the one place the report says which kind a row is.

An advert's kind is `adverts.kind` (from its site file); a target's kind is its adverts'.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Advert, ClusterMember
from pipeline.core.kinds import DEFAULT_KIND
from pipeline.core.kinds import KINDS as _KINDS

KINDS = tuple(_KINDS)


def target_kinds(session: Session) -> dict[int, str]:
    """Each cluster's kind: the kind of its adverts (the lowest name if they differ)."""
    rows = session.execute(
        select(ClusterMember.cluster_id, Advert.kind).join(
            Advert, Advert.id == ClusterMember.advert_id
        )
    )
    kinds: dict[int, str] = {}
    for cluster_id, kind in rows:
        kinds[cluster_id] = min(kind, kinds.get(cluster_id, kind))
    return kinds


def kind_of(kinds: dict[int, str], cluster_id: int | None) -> str:
    """A target's kind; a contact whose cluster was purged counts as the default kind."""
    return kinds.get(cluster_id, DEFAULT_KIND) if cluster_id is not None else DEFAULT_KIND
