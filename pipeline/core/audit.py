"""Writing the audit log: every reveal, export, purge and admin action leaves an entry."""

from __future__ import annotations

from typing import Any

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
