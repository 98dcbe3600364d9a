"""Which secret key this database is bound to, and the progress of a key rotation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, int_pk


class SecretKeyRecord(Base):
    """A key id (never the key) and its state: 'active', or 'old'/'new' during a rotation."""

    __tablename__ = "secret_keys"

    key_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[created_at]


class KeyRotation(Base):
    """One `scout keys rotate`: the phase and last row id done, so a killed run resumes."""

    __tablename__ = "key_rotations"

    id: Mapped[int_pk]
    old_key_id: Mapped[str] = mapped_column(String(8))
    new_key_id: Mapped[str] = mapped_column(String(8))
    phase: Mapped[str] = mapped_column(String(64))
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    batches: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[created_at]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
