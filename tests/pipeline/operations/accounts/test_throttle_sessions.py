"""Sign-in throttles (locks that always expire) and server-side sessions (hashed ids, ends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import User, WebSession
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import sessions, throttle

from helpers import web_accounts

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
KEY = "account:1"


def _fail(database: Database, times: int, at: datetime, key: str = KEY) -> datetime | None:
    with database.session() as session:
        for _ in range(times):
            throttle.record_failure(session, [key], at)
        return throttle.locked_until(session, [key], at)


def test_throttle_account_locks_after_five_failures_and_the_lock_expires(
    database: Database,
) -> None:
    assert _fail(database, 5, NOW) is None
    until = _fail(database, 1, NOW)
    assert until == NOW + timedelta(seconds=30)
    with database.session() as session:
        assert throttle.locked_until(session, [KEY], until) is None  # expired


def test_throttle_lock_doubles_up_to_a_cap(database: Database) -> None:
    assert _fail(database, 7, NOW) == NOW + timedelta(seconds=60)
    assert _fail(database, 100, NOW) == NOW + timedelta(minutes=15)  # never longer


def test_throttle_address_allows_more_and_a_day_forgets(database: Database) -> None:
    address = throttle.address_key("127.0.0.9")
    assert _fail(database, 20, NOW, address) is None
    assert _fail(database, 1, NOW, address) == NOW + timedelta(minutes=1)
    assert _fail(database, 1, NOW + timedelta(days=2), address) is None  # count started again


def test_throttle_clear_forgets_the_account(database: Database) -> None:
    _fail(database, 9, NOW)
    with database.session() as session:
        throttle.clear(session, KEY)
        assert throttle.locked_until(session, [KEY], NOW) is None


@pytest.fixture
def kim(database: Database, settings: Settings) -> User:
    web_accounts.enrolled(database, settings, "kim", "outreach")
    with database.session() as session:
        return session.scalar(select(User).where(User.name == "kim"))


def _open(database: Database, settings: Settings, user: User, state: str = "active"):
    with database.session() as session:
        return sessions.open_session(session, settings, user, state, NOW)


def _find(database: Database, settings: Settings, raw: str, at: datetime):
    with database.session() as session:
        return sessions.find_live(session, settings, raw, at)


def test_sessions_id_is_256_bits_and_stored_only_as_sha256(
    database: Database, settings: Settings, kim: User
) -> None:
    opened = _open(database, settings, kim)
    assert len(opened.raw_id) >= 43  # 32 bytes, URL-safe base64
    with database.session() as session:
        rows = session.scalars(select(WebSession)).all()
    assert [row.id_hash for row in rows] == [sessions.id_hash(opened.raw_id)]
    assert opened.raw_id not in {row.id_hash for row in rows}
    assert _find(database, settings, opened.raw_id, NOW)[1].name == "kim"
    assert _find(database, settings, "forged", NOW) is None


def test_sessions_idle_timeout_ends_and_activity_extends(
    database: Database, settings: Settings, kim: User
) -> None:
    opened = _open(database, settings, kim)
    assert _find(database, settings, opened.raw_id, NOW + timedelta(minutes=14)) is not None
    assert _find(database, settings, opened.raw_id, NOW + timedelta(minutes=28)) is not None
    assert _find(database, settings, opened.raw_id, NOW + timedelta(minutes=44)) is None
    assert _find(database, settings, opened.raw_id, NOW + timedelta(minutes=45)) is None  # deleted


def test_sessions_absolute_lifetime_and_short_pending(
    database: Database, settings: Settings, kim: User
) -> None:
    opened = _open(database, settings, kim)
    at = NOW
    for _ in range(50):  # busy all day: used every 14 minutes
        at += timedelta(minutes=14)
        if _find(database, settings, opened.raw_id, at) is None:
            break
    assert at - timedelta(minutes=14) < NOW + timedelta(hours=10) <= at  # ended at 10 h
    pending = _open(database, settings, kim, "pending")
    assert _find(database, settings, pending.raw_id, NOW + timedelta(minutes=6)) is None


def test_sessions_of_a_disabled_account_end(
    database: Database, settings: Settings, kim: User
) -> None:
    opened = _open(database, settings, kim)
    with database.session() as session:
        session.get(User, kim.id).active = False
    assert _find(database, settings, opened.raw_id, NOW) is None
