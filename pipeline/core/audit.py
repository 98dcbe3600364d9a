"""The audit log: every reveal, export, purge and admin action leaves an entry; admins search it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEntry
from pipeline.core.settings import Settings


def record(
    session: Session,
    settings: Settings,
    action: str,
    *,
    reason: str | None = None,
    params: dict[str, Any] | None = None,
    counts: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry for the acting person. Never pass revealed content in params."""
    entry = AuditEntry(
        actor=settings.effective_actor,
        role=settings.role,
        action=action,
        reason=reason,
        params=params or {},
        counts=counts or {},
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditQuery:
    """What the admins' audit page narrows by; None means no narrowing on that field."""

    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def _where(query: AuditQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.actor:
        conditions.append(AuditEntry.actor == query.actor)
    if query.action:
        conditions.append(AuditEntry.action == query.action)
    if query.since is not None:
        conditions.append(AuditEntry.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.at < query.until)
    return conditions


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int  # entries matching in all
    page: int  # this page's number (a page past the end is the last page)
    pages: int


def search(session: Session, query: AuditQuery, page: int = 1, per_page: int = 50) -> AuditPage:
    """One page of matching entries, newest first."""
    conditions = _where(query)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(list(rows), total, page, pages)


def known_values(session: Session) -> tuple[list[str], list[str]]:
    """Every actor and every action in the log, for the filter's choices."""
    actors = session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor))
    actions = session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    return list(actors), list(actions)
