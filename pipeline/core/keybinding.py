"""Binds a database to its secret key: a lost, replaced or wrong key is refused at start-up.

Pseudonyms are keyed, so under another key the opt-out list silently stops matching
(audit K1, K2, F9, F10). Before any command runs, the key is compared with the key ids
the database records and the ids its data carries; a key is created only for a database
that holds nothing sealed or keyed yet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    LargeBinary,
    delete,
    insert,
    inspect,
    select,
    type_coerce,
)

from models import Advert, AdvertVersion, ContactPoint, KeyRotation, SecretKeyRecord, Suppression
from models import metadata as scout_metadata
from models.types import Sealed
from pipeline.core.errors import SecretKeyError
from pipeline.core.keys import (
    Keyring,
    RotatingKeyring,
    load_keyring,
    read_key_file,
    sealed_key_id,
)
from pipeline.core.settings import Settings

# Keyed hashes that exist without a sealed value beside them (an opt-out is only a pseudonym).
KEYED_HASHES = (
    ContactPoint.pseudonym,
    Suppression.pseudonym,
    Advert.content_hash,
    AdvertVersion.content_hash,
)


def sealed_columns() -> list:
    """Every Sealed column of Scout's models, whatever table it is in."""
    return [
        column
        for table in scout_metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Sealed)
    ]


def new_key_path(settings: Settings) -> Path:
    """Where `scout keys rotate` writes the new key: next to the old one."""
    path = settings.effective_secret_key_file
    return path.with_name(path.name + ".new")


@dataclass
class KeyState:
    """What a database says about its key: whether it holds keyed data, and under which ids."""

    has_data: bool = False
    data_ids: set[str] = field(default_factory=set)
    recorded: set[str] = field(default_factory=set)
    rotation: tuple[str, str] | None = None
    can_record: bool = False

    @property
    def expected(self) -> set[str]:
        return self.recorded | self.data_ids


def _present(connection: Connection) -> dict[str, set[str]]:
    """Tables and columns that exist (an older schema lacks some); columns read only of the
    tables holding keyed data (a later migration may have added one there, e.g. 0017's
    sealed clinic document on adverts), since reading every table's columns costs each start."""
    inspector = inspect(connection)
    present = {
        t: set(scout_metadata.tables[t].columns.keys())
        for t in inspector.get_table_names()
        if t in scout_metadata.tables
    }
    keyed = {column.table.name for column in [*sealed_columns(), *KEYED_HASHES]}
    for table in keyed & set(present):
        present[table] = {c["name"] for c in inspector.get_columns(table)}
    return present


def survey(connection: Connection) -> KeyState:
    """Read the key ids a database records and carries (older schemas: what exists)."""
    present, state = _present(connection), KeyState()
    for column in [*sealed_columns(), *KEYED_HASHES]:
        if column.name not in present.get(column.table.name, set()):
            continue
        found = connection.scalar(
            select(type_coerce(column, LargeBinary)).where(column.isnot(None)).limit(1)
        )
        if found is not None:
            state.has_data = True
            if isinstance(column.type, Sealed):
                state.data_ids.add(sealed_key_id(bytes(found)))
    if "contact_points" in present:
        state.data_ids |= set(connection.scalars(select(ContactPoint.key_id).distinct()))
    if "secret_keys" in present:
        state.can_record = True
        rows = connection.execute(select(SecretKeyRecord.key_id, SecretKeyRecord.state)).all()
        state.recorded = {key_id for key_id, status in rows if status == "active"}
    if "key_rotations" in present:
        running = connection.execute(
            select(KeyRotation.old_key_id, KeyRotation.new_key_id).where(
                KeyRotation.finished_at.is_(None)
            )
        ).first()
        state.rotation = (running.old_key_id, running.new_key_id) if running else None
    return state


def _restore_hint(settings: Settings) -> str:
    path = settings.effective_secret_key_file
    return f"restore the key file {path} or SCOUT_SECRET_KEY from your backup"


def _main_key(settings: Settings, state: KeyState) -> Keyring:
    """The configured key; for a database with keyed data it must exist already."""
    path = settings.effective_secret_key_file
    if settings.secret_key is None and not path.exists() and state.has_data:
        ids = ", ".join(sorted(state.expected)) or "unknown"
        raise SecretKeyError(
            f"no secret key at {path}, and this database was sealed with key {ids}; "
            f"{_restore_hint(settings)}"
        )
    return load_keyring(settings, create=not state.has_data)


def _finish_swap(settings: Settings, state: KeyState, keyring: Keyring) -> Keyring:
    """A rotation committed but killed before its new key file replaced the old one."""
    new_path = new_key_path(settings)
    if settings.secret_key is None and new_path.exists():
        candidate = read_key_file(new_path)
        if {candidate.key_id} == state.expected:
            os.replace(new_path, settings.effective_secret_key_file)
            return candidate
    return keyring


def _rotating(settings: Settings, state: KeyState) -> RotatingKeyring:
    old_id, new_id = state.rotation or ("", "")
    new_path = new_key_path(settings)
    old = load_keyring(settings, create=False) if _key_exists(settings) else None
    new = read_key_file(new_path) if new_path.exists() else None
    if old is None or new is None or (old.key_id, new.key_id) != (old_id, new_id):
        raise SecretKeyError(
            f"a key rotation from {old_id} to {new_id} has not finished and its keys are not "
            f"both there; restore {settings.effective_secret_key_file} (key {old_id}) and "
            f"{new_path} (key {new_id}) from your backup, then run: scout keys rotate"
        )
    return RotatingKeyring(new, old)


def _key_exists(settings: Settings) -> bool:
    return settings.secret_key is not None or settings.effective_secret_key_file.exists()


def _record(connection: Connection, state: KeyState, key_id: str) -> None:
    """Bind the database to its key once it can say so (schema 0009 and later)."""
    if not state.can_record or state.recorded == {key_id}:
        return
    connection.execute(delete(SecretKeyRecord))
    connection.execute(insert(SecretKeyRecord).values(key_id=key_id, state="active"))


def open_keyring(settings: Settings, engine: Engine) -> Keyring:
    """The keyring for this database, or a one-line SecretKeyError saying what to restore."""
    with engine.begin() as connection:
        state = survey(connection)
        if state.rotation is not None:
            return _rotating(settings, state)
        keyring = _main_key(settings, state)
        if state.has_data and state.expected and state.expected != {keyring.key_id}:
            keyring = _finish_swap(settings, state, keyring)
        if state.has_data and state.expected and state.expected != {keyring.key_id}:
            other = ", ".join(sorted(state.expected - {keyring.key_id}))
            raise SecretKeyError(
                f"the secret key (id {keyring.key_id}) is not the key this database was sealed "
                f"with ({other}); {_restore_hint(settings)}"
            )
        _record(connection, state, keyring.key_id)
        return keyring
