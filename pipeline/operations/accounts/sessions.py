"""Server-side web sessions: 256-bit random ids, stored only as SHA-256, idle and absolute ends."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import User, WebSession
from pipeline.core.db import changed_rows
from pipeline.core.settings import Settings

ID_BYTES = 32  # 256 bits (ASVS 7.2.3 asks for at least 128)
# A half-finished sign-in or enrolment does not need the full lifetime.
SHORT_LIVED = {"pending": timedelta(minutes=5), "enrol": timedelta(minutes=30)}


def id_hash(raw_id: str) -> str:
    return hashlib.sha256(raw_id.encode()).hexdigest()


@dataclass(frozen=True)
class Opened:
    """A new session: the raw id goes into the cookie and nowhere else."""

    raw_id: str
    row: WebSession


def open_session(
    session: Session,
    settings: Settings,
    user: User,
    state: str,
    now: datetime,
    *,
    address: str = "",
    user_agent: str = "",
    second_factor: bool = False,
) -> Opened:
    raw = secrets.token_urlsafe(ID_BYTES)
    lifetime = SHORT_LIVED.get(state, timedelta(hours=settings.web_session_hours))
    row = WebSession(
        id_hash=id_hash(raw),
        user_id=user.id,
        state=state,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        second_factor_at=now if second_factor else None,
        address=address[:64],
        user_agent=user_agent[:200],
    )
    session.add(row)
    session.flush()
    return Opened(raw, row)


def confirm_second_factor(session: Session, row_id: int, now: datetime) -> str | None:
    """Record a fresh second factor and give the session a new id (ASVS 7.2.4: a new token
    at re-authentication); the new raw id, or None when the session is gone."""
    row = session.get(WebSession, row_id)
    if row is None:
        return None
    raw = secrets.token_urlsafe(ID_BYTES)
    row.id_hash = id_hash(raw)
    row.second_factor_at = now
    return raw


def find_live(
    session: Session, settings: Settings, raw_id: str, now: datetime
) -> tuple[WebSession, User] | None:
    """The session and its user if the id is known, unexpired, not idle, the user active.

    A session found dead is deleted on the spot; a live one is marked as seen now.
    """
    row = session.scalar(select(WebSession).where(WebSession.id_hash == id_hash(raw_id)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    idle = timedelta(seconds=settings.web_idle_timeout_seconds)
    if user is None or not user.active or now >= row.expires_at or now - row.last_seen_at > idle:
        session.delete(row)
        return None
    row.last_seen_at = now
    return row, user


def end_session(session: Session, row_id: int, user_id: int | None = None) -> bool:
    """End one session (only one of `user_id`'s when given); False when there was none."""
    query = delete(WebSession).where(WebSession.id == row_id)
    if user_id is not None:
        query = query.where(WebSession.user_id == user_id)
    return changed_rows(session.execute(query)) == 1


def end_all(session: Session, user_id: int) -> int:
    return changed_rows(session.execute(delete(WebSession).where(WebSession.user_id == user_id)))


def end_others(session: Session, user_id: int, keep: int) -> int:
    """End every session of the user but `keep` (the one making a change to the account)."""
    query = delete(WebSession).where(WebSession.user_id == user_id, WebSession.id != keep)
    return changed_rows(session.execute(query))


def live_sessions(
    session: Session, settings: Settings, user_id: int, now: datetime
) -> list[WebSession]:
    """The user's signed-in sessions, newest first (ended ones are not listed)."""
    idle = timedelta(seconds=settings.web_idle_timeout_seconds)
    rows = session.scalars(
        select(WebSession)
        .where(WebSession.user_id == user_id, WebSession.state == "active")
        .order_by(WebSession.created_at.desc())
    )
    return [r for r in rows if r.expires_at > now and now - r.last_seen_at <= idle]


def second_factor_within(row: WebSession, now: datetime, minutes: int) -> bool:
    return row.second_factor_at is not None and now - row.second_factor_at <= timedelta(
        minutes=minutes
    )
