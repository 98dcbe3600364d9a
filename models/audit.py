"""The append-only audit log: who did what, when, why and how many — never the content."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from models.base import Base, Json, created_at, int_pk


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int_pk]
    at: Mapped[created_at]
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    params: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # HMAC-SHA256 over (previous entry's chain, this entry) under key `key_id`'s audit key
    key_id: Mapped[str | None] = mapped_column(String(8), default=None)
    chain: Mapped[str | None] = mapped_column(String(64), default=None)


@event.listens_for(Session, "before_flush")
def _refuse_changed_entries(session: Session, flush_context: object, instances: object) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) == AuditEntry.__tablename__:
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
