"""Column types Scout needs beyond SQLAlchemy's: sealed (encrypted) text and UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Sealer(Protocol):
    def seal(self, plaintext: bytes) -> bytes: ...
    def unseal(self, blob: bytes) -> bytes: ...


_sealer: Sealer | None = None


def use_sealer(sealer: Sealer | None) -> None:
    """Install the keyring that Sealed columns encrypt and decrypt with (once per process)."""
    global _sealer
    _sealer = sealer


def _active_sealer() -> Sealer:
    if _sealer is None:
        raise RuntimeError("no sealing key installed; call pipeline.core.db.open_database() first")
    return _sealer


class Sealed(TypeDecorator[str]):
    """Text stored encrypted with authenticated encryption; plain text never reaches the DB.

    Sealed values cannot be compared in SQL: look rows up by a keyed hash column.
    """

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return _active_sealer().seal(value.encode("utf-8"))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return _active_sealer().unseal(bytes(value)).decode("utf-8")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
