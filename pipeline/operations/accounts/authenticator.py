"""Setting up a new authenticator app oneself (a lost or new phone, while still signed in).

Two steps. `start` checks the current password and a current code (from the app or a
recovery code, as at sign-in: throttled, a used code refused). The new secret it leads to
is stored nowhere yet: it travels sealed in a short-lived token bound to the person and
the session (`seal_pending`). `finish` replaces the stored secret only when a code from
the new app matches; the old app stops working and every other session ends. Each
attempt is an audit entry `authenticator new` with its step and outcome, never a code.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from models import User, WebSession
from pipeline.core import audit
from pipeline.core.keys import Keyring
from pipeline.core.settings import Settings
from pipeline.operations.accounts import login, sessions, totp
from pipeline.operations.accounts.users import as_actor, check_current_password

ACTION = "authenticator new"
SETUP_MINUTES = 10  # from the password and code to the first code of the new app
_PURPOSE = "totp-setup/v1"  # a key of its own: a sealed column value is no setup token
_NONCE_BYTES = 12


def _aead(keyring: Keyring) -> AESGCM:
    return AESGCM(keyring.derive(_PURPOSE))


def session_ref(row: WebSession) -> str:
    """A session as a token names it: its number and when it began (SQLite may give a later
    session the number of an ended one)."""
    return f"{row.id}@{row.created_at.isoformat()}"


def seal_pending(keyring: Keyring, user_id: int, session: str, secret: str, now: datetime) -> str:
    """The new secret sealed (AES-GCM) with whose it is, for which session, and until when."""
    until = (now + timedelta(minutes=SETUP_MINUTES)).timestamp()
    body = json.dumps({"user": user_id, "session": session, "secret": secret, "until": until})
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(keyring).encrypt(nonce, body.encode(), _PURPOSE.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def open_pending(
    keyring: Keyring, token: str, user_id: int, session: str, now: datetime
) -> str | None:
    """The secret in a token sealed for this person and session, unless it has expired."""
    try:
        blob = base64.urlsafe_b64decode(token.encode())
        plain = _aead(keyring).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _PURPOSE.encode())
        body = json.loads(plain)
    except (ValueError, InvalidTag):  # also binascii.Error and JSONDecodeError
        return None
    if body.get("user") != user_id or body.get("session") != session:
        return None
    if float(body.get("until", 0)) <= now.timestamp():
        return None
    return str(body["secret"])


def _record(session: Session, settings: Settings, user: User, step: str, outcome: str) -> None:
    params = {"step": step, "outcome": outcome}
    audit.record(session, as_actor(settings, user), ACTION, params=params)


def start(
    session: Session,
    settings: Settings,
    user: User,
    password: str,
    code: str,
    address: str,
    now: datetime,
) -> str | None:
    """None when the password and the code are right, else "throttled", "wrong" (password)
    or "code"; the code is spent like a sign-in's (and checked only after the password)."""
    problem = check_current_password(session, user, password, now)
    if problem is None:
        outcome = login.check_second_factor(session, settings, user, code, address, now).outcome
        problem = {"ok": None, "throttled": "throttled"}.get(outcome, "code")
    _record(session, settings, user, "start", problem or "ok")
    return problem


def finish(
    session: Session,
    settings: Settings,
    user: User,
    secret: str,
    code: str,
    keep_session: int,
    now: datetime,
) -> int | None:
    """Replace the secret when `code` is the new app's (a step not used yet); the number of
    other sessions ended, or None when the code does not match."""
    step = totp.matching_step(secret, code, now, user.totp_last_step)
    if step is None or not totp.claim_step(session, user, step, secret):
        _record(session, settings, user, "confirm", "code")
        return None
    ended = sessions.end_others(session, user.id, keep_session)
    audit.record(
        session,
        as_actor(settings, user),
        ACTION,
        params={"step": "confirm", "outcome": "ok"},
        counts={"sessions": ended},
    )
    return ended
