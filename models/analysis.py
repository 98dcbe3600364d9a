"""Analysis results: indicator hits, clusters with members, and explained scores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json, created_at, int_pk, timestamp

# The same column type under a name the Cluster body does not shadow with its own created_at.
set_on_insert = created_at


class IndicatorHit(Base):
    """A rule matched an advert version: a reason to offer help, never a verdict."""

    __tablename__ = "indicator_hits"
    __table_args__ = (Index(None, "rule_id", "ruleset_version"),)

    id: Mapped[int_pk]
    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("advert_versions.id", ondelete="CASCADE"), default=None, index=True
    )
    rule_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    ruleset_version: Mapped[str] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float)
    # Offsets into the advert text and what matched; never a contact value.
    evidence: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[created_at]


class Cluster(Base):
    """Adverts that belong together (shared contact, template or image): who outreach contacts."""

    __tablename__ = "clusters"
    __table_args__ = (Index("ix_clusters_active_score", "active", "score"),)

    id: Mapped[int_pk]
    created_at: Mapped[created_at]
    updated_at: Mapped[set_on_insert]
    first_seen: Mapped[timestamp]
    last_seen: Mapped[timestamp]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    ruleset_version: Mapped[str | None] = mapped_column(String(32), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("clusters.id", ondelete="SET NULL"), default=None
    )


class AdvertLink(Base):
    """Why two adverts belong together: a shared contact point, template text or image."""

    __tablename__ = "advert_links"
    __table_args__ = (UniqueConstraint("advert_a_id", "advert_b_id", "kind"),)

    id: Mapped[int_pk]
    advert_a_id: Mapped[int] = mapped_column(BigId, ForeignKey("adverts.id", ondelete="CASCADE"))
    advert_b_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # contact | template | image
    strength: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[created_at]


class ClusterEvent(Base):
    """What happened to a cluster: created, grew, merged, split, moved, new_contact, vanished,
    reappeared — so a digest can say what changed since last week."""

    __tablename__ = "cluster_events"
    __table_args__ = (Index(None, "cluster_id", "at"), Index(None, "at"))

    id: Mapped[int_pk]
    cluster_id: Mapped[int] = mapped_column(BigId, ForeignKey("clusters.id", ondelete="CASCADE"))
    at: Mapped[timestamp]
    kind: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class ClusterMember(Base):
    __tablename__ = "cluster_members"

    cluster_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True
    )
    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    joined_at: Mapped[created_at]


class Score(Base):
    """A weighted sum of indicator hits for an advert or cluster, with its explanation."""

    __tablename__ = "scores"
    __table_args__ = (
        Index(None, "subject_kind", "subject_id"),
        Index(None, "subject_kind", "score"),
    )

    id: Mapped[int_pk]
    subject_kind: Mapped[str] = mapped_column(String(8))  # advert | cluster
    subject_id: Mapped[int] = mapped_column(BigId)
    ruleset_version: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    computed_at: Mapped[created_at]
