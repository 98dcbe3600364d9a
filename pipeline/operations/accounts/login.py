"""Signing in, in two steps (password, then TOTP or a recovery code), throttled and audited.

Every attempt leaves an audit entry with its outcome and the client address; never the
password or the code. Unknown names and wrong passwords answer alike, in the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User
from pipeline.core import audit
from pipeline.core.settings import Settings
from pipeline.operations.accounts import recovery, throttle, totp
from pipeline.operations.accounts.passwords import verify_password
from pipeline.operations.accounts.users import as_actor

LOGIN_ACTION = "login"
UNKNOWN = "(unknown user)"

Outcome = Literal["ok", "wrong", "throttled"]


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    user: User | None = None
    factor: str | None = None  # "totp" or "recovery" after the second step


def _keys(user: User | None, address: str) -> list[str]:
    keys = [throttle.address_key(address)]
    return [throttle.account_key(user.id), *keys] if user is not None else keys


def _audit(
    session: Session, settings: Settings, user: User | None, step: str, result: Result, address: str
) -> None:
    actor = (
        as_actor(settings, user)
        if user is not None
        else settings.model_copy(update={"actor": UNKNOWN, "roles": {UNKNOWN: "-"}})
    )
    params = {"step": step, "outcome": result.outcome, "address": address}
    if result.factor:
        params["factor"] = result.factor
    audit.record(session, actor, LOGIN_ACTION, params=params)


def check_password(
    session: Session, settings: Settings, name: str, password: str, address: str, now: datetime
) -> Result:
    """The first step: an enrolled, active account whose password matches."""
    user = session.scalar(select(User).where(User.name == name.strip().lower()))
    keys = _keys(user, address)
    if throttle.locked_until(session, keys, now) is not None:
        result = Result("throttled", user)
    else:
        usable = user is not None and user.active and user.enrolled_at is not None
        ok, new_hash = verify_password(user.password_hash if usable and user else None, password)
        if ok and user is not None:
            if new_hash:  # the profile changed since this hash was made: upgrade it now
                user.password_hash = new_hash
            result = Result("ok", user)
        else:
            throttle.record_failure(session, keys, now)
            result = Result("wrong", user)
    _audit(session, settings, user, "password", result, address)
    return result


def check_second_factor(
    session: Session,
    settings: Settings,
    user: User,
    code: str,
    address: str,
    now: datetime,
) -> Result:
    """The second step: a fresh TOTP code, or an unused recovery code."""
    keys = _keys(user, address)
    if throttle.locked_until(session, keys, now) is not None:
        result = Result("throttled", user)
    elif totp.accept_code(session, user, code, now):
        result = Result("ok", user, "totp")
    elif recovery.use_code(session, user, code, now):
        result = Result("ok", user, "recovery")
    else:
        throttle.record_failure(session, keys, now)
        result = Result("wrong", user)
    if result.outcome == "ok":
        throttle.clear(session, throttle.account_key(user.id))
    _audit(session, settings, user, "second factor", result, address)
    return result
