"""Sites (one advert website each) and crawl runs with their stats, errors and health."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json, created_at, int_pk, timestamp


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(64), unique=True)
    base_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[created_at]


class CrawlRun(Base):
    """One crawl of one site. Only a `complete` run may mark adverts gone."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index(None, "site_id", "started_at"),)

    id: Mapped[int_pk]
    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("sites.id", ondelete="CASCADE"))
    started_at: Mapped[timestamp]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # Updated while the crawl runs; a "running" row whose heartbeat stopped was killed.
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    # running | complete | incomplete | degraded | blocked | failed
    status: Mapped[str] = mapped_column(String(16), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    adverts_seen: Mapped[int] = mapped_column(Integer, default=0)
    adverts_new: Mapped[int] = mapped_column(Integer, default=0)
    adverts_changed: Mapped[int] = mapped_column(Integer, default=0)
    adverts_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    adverts_gone: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    health: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
