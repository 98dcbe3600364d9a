"""Sign-in throttling per account and per client address, with lockouts that always expire.

Each failure past a threshold locks the key for twice as long as the last time, up to a
cap; a success clears the account's count; a day without failures forgets them. An
attacker who keeps failing against a colleague's account locks their own address (20
failures) long before the account's lock (capped at 15 minutes) could matter, and an
account lock never outlives its cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import LoginThrottle


@dataclass(frozen=True)
class Policy:
    free_failures: int  # failures allowed before the first lock
    first_lock: timedelta
    max_lock: timedelta


ACCOUNT = Policy(free_failures=5, first_lock=timedelta(seconds=30), max_lock=timedelta(minutes=15))
ADDRESS = Policy(free_failures=20, first_lock=timedelta(minutes=1), max_lock=timedelta(hours=1))
FORGET_AFTER = timedelta(days=1)


def account_key(user_id: int) -> str:
    return f"account:{user_id}"


def address_key(address: str) -> str:
    return f"address:{address}"


def _policy(key: str) -> Policy:
    return ACCOUNT if key.startswith("account:") else ADDRESS


def locked_until(session: Session, keys: list[str], now: datetime) -> datetime | None:
    """The latest lock still running on any of the keys, or None."""
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    ends = [row.locked_until for row in rows if row.locked_until and row.locked_until > now]
    return max(ends) if ends else None


def _row(session: Session, key: str) -> LoginThrottle:
    """The key's row, locked; created when missing (a concurrent creator wins, we reread)."""
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = LoginThrottle(key=key, failures=0)
            session.add(row)
        return row
    except IntegrityError:
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert row is not None  # the concurrent creator's row
        return row


def record_failure(session: Session, keys: list[str], now: datetime) -> None:
    for key in keys:
        row = _row(session, key)
        if row.last_failure_at and now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        policy = _policy(key)
        over = row.failures - policy.free_failures
        if over > 0:
            lock = min(policy.first_lock * 2 ** min(over - 1, 20), policy.max_lock)
            row.locked_until = now + lock
    session.flush()


def clear(session: Session, key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
