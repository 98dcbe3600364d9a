"""Managing accounts: add, list, disable, reset (a new enrolment link), finish enrolment, and
a person's own password change.

Every change is audit-logged under the person who made it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import RecoveryCode, User
from pipeline.core import audit
from pipeline.core.errors import ScoutError
from pipeline.core.settings import ROLES, Settings
from pipeline.operations.accounts import recovery, sessions, throttle
from pipeline.operations.accounts.passwords import hash_password, verify_password, weakness

LANGUAGES = ("da", "en")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class AccountError(ScoutError):
    """An account cannot be added or changed as asked."""


def as_actor(settings: Settings, user: User) -> Settings:
    """The settings with this account as the acting person: audit entries and role checks
    of the functions the CLI also calls then name the web user, not the server's OS user."""
    return settings.model_copy(update={"actor": user.name, "roles": {user.name: user.role}})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link(settings: Settings, token: str) -> str:
    return f"{settings.web_base_url.rstrip('/')}/enrol/start?token={token}"


def _new_enrolment(settings: Settings, user: User, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    user.enrol_token_hash = token_hash(token)
    user.enrol_expires_at = now + timedelta(hours=settings.web_enrolment_hours)
    return token


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"no account named {name!r} (see: scout users list)")
    return user


def add_user(
    session: Session,
    settings: Settings,
    name: str,
    role: str,
    now: datetime,
    display_name: str | None = None,
    language: str = "da",
) -> tuple[User, str]:
    """A new, not yet enrolled account and its one-time enrolment token."""
    if not _NAME.fullmatch(name):
        raise AccountError("a user name is 2–64 of a-z, 0-9, '.', '_', '-', starting a-z or 0-9")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if language not in LANGUAGES:
        raise AccountError(f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"an account named {name!r} exists already")
    user = User(name=name, display_name=display_name or name, role=role, language=language)
    session.add(user)
    token = _new_enrolment(settings, user, now)
    session.flush()
    audit.record(session, settings, "user add", params={"user": name, "role": role})
    return user, token


def _record(session: Session, settings: Settings, action: str, name: str, ended: int) -> None:
    audit.record(session, settings, action, params={"user": name}, counts={"sessions": ended})


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def disable_user(session: Session, settings: Settings, name: str) -> int:
    """Disable an account and end its sessions; returns how many sessions ended."""
    user = get_user(session, name)
    user.active = False
    user.enrol_token_hash = user.enrol_expires_at = None
    ended = sessions.end_all(session, user.id)
    _record(session, settings, "user disable", name, ended)
    return ended


def reset_user(session: Session, settings: Settings, name: str, now: datetime) -> str:
    """Void password, TOTP and recovery codes, end every session; a new enrolment token."""
    user = get_user(session, name)
    user.password_hash = user.totp_secret = user.totp_last_step = user.enrolled_at = None
    user.active = True
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    ended = sessions.end_all(session, user.id)
    token = _new_enrolment(settings, user, now)
    _record(session, settings, "user reset", name, ended)
    return token


def end_sessions(session: Session, settings: Settings, name: str) -> int:
    """End every session of an account (lost phone, left the team)."""
    user = get_user(session, name)
    ended = sessions.end_all(session, user.id)
    _record(session, settings, "sessions end", name, ended)
    return ended


def find_enrolling(session: Session, token: str, now: datetime) -> User | None:
    """The active account this enrolment token belongs to, if it has not expired."""
    user = session.scalar(select(User).where(User.enrol_token_hash == token_hash(token)))
    if user is None or not user.active or user.enrol_expires_at is None:
        return None
    return user if user.enrol_expires_at > now else None


@dataclass(frozen=True)
class Enrolled:
    user: User
    recovery_codes: list[str]


def complete_enrolment(
    session: Session,
    settings: Settings,
    user: User,
    password: str,
    totp_step: int,
    now: datetime,
) -> Enrolled:
    """Set the password, record the confirmed TOTP step, void the link, issue recovery codes."""
    user.password_hash = hash_password(password)
    user.totp_last_step = totp_step
    user.enrolled_at = now
    user.enrol_token_hash = user.enrol_expires_at = None
    codes = recovery.issue_codes(session, user)
    audit.record(session, as_actor(settings, user), "user enrol", params={"user": user.name})
    return Enrolled(user, codes)


def check_current_password(session: Session, user: User, current: str, now: datetime) -> str | None:
    """None when `current` is the person's password, else "throttled" or "wrong"; a wrong one
    counts against the account's sign-in throttle like a failed sign-in."""
    keys = [throttle.account_key(user.id)]
    if throttle.locked_until(session, keys, now) is not None:
        return "throttled"
    if not verify_password(user.password_hash, current)[0]:
        throttle.record_failure(session, keys, now)
        return "wrong"
    return None


def change_password(
    session: Session,
    settings: Settings,
    user: User,
    current: str,
    new: str,
    now: datetime,
    keep_session: int,
) -> str | None:
    """A person changes their own password (ASVS 6.2.2, 6.2.3); None when it was changed,
    else why not: "wrong", "throttled", "same", or `weakness`'s "short", "long", "weak".

    The current password is required; a wrong one counts against the account's sign-in
    throttle like a failed sign-in. The new one must pass the enrolment rule. Every other
    session of the person ends (whoever knew the old password is signed out); all of it
    is audit-logged, refusals too, never a password.
    """
    actor = as_actor(settings, user)
    problem = check_current_password(session, user, current, now)
    if problem is None:
        problem = weakness(new, [user.name, user.display_name])
        if problem is None and new == current:
            problem = "same"
    if problem is not None:
        audit.record(session, actor, "password change", params={"outcome": problem})
        return problem
    user.password_hash = hash_password(new)
    ended = sessions.end_others(session, user.id, keep_session)
    audit.record(
        session, actor, "password change", params={"outcome": "ok"}, counts={"sessions": ended}
    )
    return None
