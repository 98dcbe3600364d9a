"""Recovery codes: ten one-time second factors, shown once and stored as argon2id hashes.

A code has about 49 bits, less than the 112 bits below which ASVS 5.0 (6.5.2) asks for
a salted password hash rather than a plain or keyed one. Checking costs one argon2
verification per unused code, and only when the TOTP code did not match.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import RecoveryCode, User
from pipeline.core.db import changed_rows
from pipeline.operations.accounts.passwords import HASHER

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
_LENGTH = 10


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch in _ALPHABET)


def _matches(stored: str, code: str) -> bool:
    try:
        return HASHER.verify(stored, code)
    except (VerificationError, InvalidHashError):
        return False


def issue_codes(session: Session, user: User) -> list[str]:
    """Replace the user's codes with ten new ones; the plain codes are returned only here."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=HASHER.hash(_normalised(code))) for code in codes
    )
    session.flush()
    return codes


def use_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Spend one unused code of this user; a code works once, even under concurrent use."""
    code = _normalised(code)
    if len(code) != _LENGTH:
        return False
    unused = session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row_id, stored in unused:
        if _matches(stored, code):
            spent = session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            return changed_rows(spent) == 1
    return False


def remaining(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )
