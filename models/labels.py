"""Analysts' labels of clusters (concern, independent, spam, unsure): ground truth for rules."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, created_at, int_pk, sealed_text

LABEL_VALUES = ("concern", "independent", "spam", "unsure")


class ClusterLabel(Base):
    """One analyst's judgement of one cluster; the newest label of a cluster is the one used."""

    __tablename__ = "cluster_labels"
    __table_args__ = (Index(None, "cluster_id", "at"),)

    id: Mapped[int_pk]
    cluster_id: Mapped[int] = mapped_column(BigId, ForeignKey("clusters.id", ondelete="CASCADE"))
    at: Mapped[created_at]
    actor: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(16))  # one of LABEL_VALUES
    # Free text may name what the analyst saw in an advert: sealed like contact-log notes.
    note: Mapped[sealed_text | None] = mapped_column(default=None)
