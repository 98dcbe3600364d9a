"""Kinds of advert (escort, clinic, job): the one place that says which kind a row is.

`adverts.kind` arrives with another issue. Until then every advert (and so every target) is
an escort advert: `advert_kind()` is a constant. When the column exists, `advert_kind()`
returns `Advert.kind` and every figure of the report filters and groups by it unchanged.
"""

from __future__ import annotations

from sqlalchemy import String, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models import Advert, ClusterMember

KINDS = ("escort", "clinic", "job")


def advert_kind() -> ColumnElement[str]:
    """The kind of an advert row as a SQL expression (until `adverts.kind`: always escort)."""
    return literal("escort", String)


def target_kinds(session: Session) -> dict[int, str]:
    """Each cluster's kind: the kind of its adverts (the lowest name if they differ)."""
    rows = session.execute(
        select(ClusterMember.cluster_id, advert_kind()).join(
            Advert, Advert.id == ClusterMember.advert_id
        )
    )
    kinds: dict[int, str] = {}
    for cluster_id, kind in rows:
        kinds[cluster_id] = min(kind, kinds.get(cluster_id, kind))
    return kinds


def kind_of(kinds: dict[int, str], cluster_id: int | None) -> str:
    """A target's kind; a contact whose cluster was purged counts as the default kind."""
    return kinds.get(cluster_id, KINDS[0]) if cluster_id is not None else KINDS[0]
