"""Outreach records: what the team did with a target, and exports handed to partners."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json, created_at, int_pk, sealed_text


class ContactLogEntry(Base):
    """An outreach worker's record of one attempt to reach a target (labels for evaluation)."""

    __tablename__ = "contact_log"
    __table_args__ = (Index(None, "target", "at"),)

    id: Mapped[int_pk]
    target: Mapped[str] = mapped_column(String(32))  # e.g. "C12" (cluster) or "A345" (advert)
    cluster_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("clusters.id", ondelete="SET NULL"), default=None
    )
    at: Mapped[created_at]
    actor: Mapped[str] = mapped_column(String(200))
    # reached | no-answer | declined | referred | opted-out
    outcome: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    # Where a referral went: health | social | legal | shelter (outcome `referred` only).
    referred_to: Mapped[str | None] = mapped_column(String(16), default=None)
    note: Mapped[sealed_text | None] = mapped_column(default=None)
    # When the worker means to try again; the follow-ups page lists those due.
    follow_up: Mapped[date | None] = mapped_column(Date, default=None)


class TargetClaim(Base):
    """Who is working on a target now: one row a target (the key makes a second claim fail).

    A claim is a lease: it ends at `expires_at`, when a contact is logged, or by hand.
    Ended claims are deleted; the audit log keeps the history.
    """

    __tablename__ = "target_claims"

    cluster_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True
    )
    actor: Mapped[str] = mapped_column(String(200), index=True)
    claimed_at: Mapped[created_at]
    expires_at: Mapped[datetime]


class ExportRecord(Base):
    """An anonymised export: who it went to, on what basis, until when, and what it held."""

    __tablename__ = "exports"

    id: Mapped[int_pk]
    created_at: Mapped[created_at]
    actor: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    path: Mapped[str] = mapped_column(String(1000))
    counts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)
