"""Recovery codes: ten one-time second factors, shown once and stored as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import RecoveryCode, User
from pipeline.core.keys import Keyring

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
_LENGTH = 10  # ~49 bits each; the hash is keyed, so a database copy alone cannot test guesses


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch in _ALPHABET)


def code_hash(keyring: Keyring, code: str) -> str:
    key = keyring.derive("recovery-code/v1")
    return hmac.new(key, _normalised(code).encode(), hashlib.sha256).hexdigest()


def issue_codes(session: Session, keyring: Keyring, user: User) -> list[str]:
    """Replace the user's codes with ten new ones; the plain codes are returned only here."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    session.add_all(RecoveryCode(user_id=user.id, code_hash=code_hash(keyring, c)) for c in codes)
    session.flush()
    return codes


def use_code(session: Session, keyring: Keyring, user: User, code: str, now: datetime) -> bool:
    """Spend one unused code of this user; a code works once, even under concurrent use."""
    if len(_normalised(code)) != _LENGTH:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == code_hash(keyring, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def remaining(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )
