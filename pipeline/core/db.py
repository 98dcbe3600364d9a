"""Engines and sessions for SQLite (default) and PostgreSQL; the caller owns the session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.types import use_sealer
from pipeline.core.errors import DatabaseError
from pipeline.core.keybinding import open_keyring
from pipeline.core.keys import Keyring
from pipeline.core.private import warn_if_open
from pipeline.core.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL + busy timeout let the crawler, the analysis and a reader share one file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create_private_file(path: str) -> None:
    """Create the SQLite file 0600 (it holds personal data) — only if it does not exist.

    Never open and close an existing database file here: closing any descriptor of a file
    drops every POSIX lock this process holds on it, and SQLite's own connections would then
    write unlocked (the classic way to corrupt a database).
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured URL; creates the data folder (0700) for SQLite files."""
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            folder = os.path.dirname(os.path.abspath(url.database))
            os.makedirs(folder, mode=0o700, exist_ok=True)
            _create_private_file(url.database)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def check_reachable(engine: Engine, settings: Settings) -> None:
    """Connect once, turning a driver error into one line that names the (redacted) URL."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(
            f"cannot reach database {settings.redacted_database_url}: {reason}"
        ) from exc


@dataclass
class Database:
    """An open database: engine, session factory and the keyring sealed columns use."""

    settings: Settings
    engine: Engine
    keyring: Keyring  # a RotatingKeyring while `scout keys rotate` is unfinished
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings, require_schema: bool = True) -> Database:
    """Connect, (by default) insist the schema is current, and install the database's key.

    The key is checked against the database before anything runs (see keybinding): a lost
    or different key is refused, never replaced by a new one.
    """
    warn_if_open(settings.data_dir)
    engine = make_engine(settings)
    try:
        check_reachable(engine, settings)
        if require_schema:
            from pipeline.core.migrations import require_current_schema

            require_current_schema(engine, settings)
        keyring = open_keyring(settings, engine)
    except BaseException:
        engine.dispose()
        raise
    use_sealer(keyring)
    database = Database(settings, engine, keyring, sessionmaker(engine, expire_on_commit=False))
    # the audit log's hash chain signs with the database's current keyring (it changes when a
    # key rotation finishes)
    database.sessions.configure(info={"keyring": lambda: database.keyring})
    return database


def changed_rows(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE run through a Session changed: Session.execute types every
    result as a plain Result, but a DML statement's is a CursorResult with rowcount."""
    return cast(CursorResult[Any], result).rowcount
