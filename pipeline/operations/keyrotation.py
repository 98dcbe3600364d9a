"""`scout keys rotate`: re-seal every sealed column and re-key every keyed hash under a new key.

Work goes in batches, each committed with the rotation's progress (phase, last row id),
so a killed rotation resumes where it stopped. Until the end the database is bound to
both keys (old and new) and reads work under either; keyed hashes are not computed by
anyone else meanwhile (see `RotatingKeyring`). A contact point and the opt-outs under its
pseudonym are re-keyed in one transaction, so an opt-out never stops matching.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    Connection,
    LargeBinary,
    Row,
    Table,
    delete,
    exists,
    select,
    type_coerce,
    update,
)

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    ContactPoint,
    KeyRotation,
    RosterEntry,
    SecretKeyRecord,
    Suppression,
    Venue,
    VenueAdvert,
)
from models.types import Sealed, use_sealer
from nlp.clinics.address import parse_address
from pipeline.core import audit, clock
from pipeline.core.db import Database
from pipeline.core.errors import SecretKeyError
from pipeline.core.keybinding import new_key_path, sealed_columns
from pipeline.core.keys import (
    Keyring,
    RotatingKeyring,
    read_key_file,
    sealed_key_id,
    write_key_file,
)
from pipeline.core.private import write_private_text
from pipeline.core.settings import Settings
from pipeline.stages.venues.linking import address_key, person_key, photos_key, venue_name_key
from pipeline.stages.venues.observations import RosterPerson
from spiders.storage.ingest import contacts_text, content_text

BATCH_SIZE = 500
_POINTS, _OPTOUTS, _ADVERTS, _VERSIONS, _LINKS, _ROTATIONS = (
    cast(Table, model.__table__)
    for model in (ContactPoint, Suppression, Advert, AdvertVersion, AdvertContact, KeyRotation)
)
_VENUES, _ROSTER = (cast(Table, model.__table__) for model in (Venue, RosterEntry))
_OWN_PHASES = ("contact_points", "suppressions", "adverts")


@dataclass
class RotationReport:
    """What a rotation did: keys, files, rows per phase, versions to analyse again."""

    old_key_id: str
    new_key_id: str
    key_file: str
    resumed: bool = False
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reanalyse: int = 0


def phases() -> list[str]:
    """Contact points first (with their opt-outs), then opt-outs by value, adverts, the rest."""
    others = sorted(
        {c.table.name for c in sealed_columns()} - {*_OWN_PHASES, AdvertVersion.__tablename__}
    )
    return [*_OWN_PHASES, *others]


class _Pair:
    """The old and the new key, and what a batch needs of them."""

    def __init__(self, old: Keyring, new: Keyring) -> None:
        self.old, self.new = old, new

    def open(self, blob: Any) -> str | None:
        if blob is None:
            return None
        raw = bytes(blob)
        keyring = self.new if sealed_key_id(raw) == self.new.key_id else self.old
        return keyring.unseal(raw).decode("utf-8")

    def reseal(self, blob: Any) -> bytes | None:
        if blob is None:
            return None
        raw = bytes(blob)
        if sealed_key_id(raw) == self.new.key_id:
            return raw
        return self.new.seal(self.old.unseal(raw))


def _raw(column: Any) -> Any:
    """A sealed column read as its stored bytes (the process-wide sealer is not involved)."""
    return type_coerce(column, LargeBinary).label(column.name)


def _rows(
    connection: Connection, table: Table, columns: Sequence[Any], after: int, size: int
) -> Sequence[Row[Any]]:
    """The next batch of rows after `after`, by primary key."""
    pk = table.c.id
    query = select(pk, *columns).where(pk > after).order_by(pk).limit(size)
    return connection.execute(query).all()


def _contact_points(connection: Connection, keys: _Pair, after: int, size: int) -> list[int]:
    rows = _rows(
        connection,
        _POINTS,
        [_POINTS.c.kind, _raw(_POINTS.c.value), _POINTS.c.pseudonym],
        after,
        size,
    )
    for row in rows:
        value = keys.reseal(row.value)
        pseudonym = keys.new.pseudonym(row.kind, keys.open(row.value) or "")
        connection.execute(
            update(_POINTS)
            .where(_POINTS.c.id == row.id)
            .values(
                value=type_coerce(value, LargeBinary), pseudonym=pseudonym, key_id=keys.new.key_id
            )
        )
        # the opt-outs under this point's pseudonym move with it, in the same transaction
        connection.execute(
            update(_OPTOUTS)
            .where(_OPTOUTS.c.pseudonym == row.pseudonym, _OPTOUTS.c.kind == row.kind)
            .values(pseudonym=pseudonym)
        )
    return [row.id for row in rows]


def _suppressions(connection: Connection, keys: _Pair, after: int, size: int) -> list[int]:
    rows = _rows(connection, _OPTOUTS, [_OPTOUTS.c.kind, _raw(_OPTOUTS.c.value)], after, size)
    for row in rows:
        value = keys.open(row.value)
        if value is None:
            continue  # moved with its contact point (checked before the rotation began)
        connection.execute(
            update(_OPTOUTS)
            .where(_OPTOUTS.c.id == row.id)
            .values(
                value=type_coerce(keys.reseal(row.value), LargeBinary),
                pseudonym=keys.new.pseudonym(row.kind, value),
            )
        )
    return [row.id for row in rows]


def _advert_contacts(connection: Connection, keys: _Pair, ids: list[int]) -> dict[int, str]:
    pairs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    query = (
        select(_LINKS.c.advert_id, _POINTS.c.kind, _raw(_POINTS.c.value))
        .join(_POINTS, _POINTS.c.id == _LINKS.c.contact_point_id)
        .where(_LINKS.c.advert_id.in_(ids))
    )
    for advert_id, kind, value in connection.execute(query):
        pairs[advert_id].append((kind, keys.open(value) or ""))
    return {i: keys.new.content_hash(contacts_text(pairs.get(i, []))) for i in ids}


def _adverts(connection: Connection, keys: _Pair, after: int, size: int) -> list[int]:
    columns = [
        _raw(_ADVERTS.c.title), _raw(_ADVERTS.c.text), _raw(_ADVERTS.c.clinic),
        _ADVERTS.c.contacts_hash,
    ]  # fmt: skip
    rows = _rows(connection, _ADVERTS, columns, after, size)
    ids = [row.id for row in rows]
    contacts = _advert_contacts(connection, keys, ids)
    moved: dict[str | None, str | None] = {}
    for row in rows:
        new_hash = contacts[row.id] if row.contacts_hash is not None else None
        moved[row.contacts_hash] = new_hash
        connection.execute(
            update(_ADVERTS)
            .where(_ADVERTS.c.id == row.id)
            .values(**_resealed_content(keys, row), contacts_hash=new_hash)
        )
    _versions(connection, keys, ids, moved)
    return ids


def _resealed_content(keys: _Pair, row: Any) -> dict[str, Any]:
    title, text = keys.open(row.title), keys.open(row.text)
    return {
        "title": type_coerce(keys.reseal(row.title), LargeBinary),
        "text": type_coerce(keys.reseal(row.text), LargeBinary),
        "clinic": type_coerce(keys.reseal(row.clinic), LargeBinary),
        "content_hash": keys.new.content_hash(content_text(title, text)),
    }


def _versions(
    connection: Connection, keys: _Pair, ids: list[int], moved: dict[str | None, str | None]
) -> None:
    columns = [
        _raw(_VERSIONS.c.title), _raw(_VERSIONS.c.text), _raw(_VERSIONS.c.clinic),
        _VERSIONS.c.contacts_hash,
    ]  # fmt: skip
    query = select(_VERSIONS.c.id, *columns, _VERSIONS.c.analysis).where(
        _VERSIONS.c.advert_id.in_(ids)
    )
    for row in connection.execute(query).all():
        values = _resealed_content(keys, row)
        # an older contact set cannot be recomputed: its hash goes, nothing reads it
        values["contacts_hash"] = moved.get(row.contacts_hash)
        if row.analysis and "name_keys" in row.analysis:
            # name hashes are keyed and the names are not in the analysis: analyse the version
            # again (the names a clinic version keeps go too: they are filed by old keys)
            analysis = {k: v for k, v in row.analysis.items() if k != "name_keys"}
            values.update(analysis=analysis, analysed_ruleset=None, names=None)
        connection.execute(update(_VERSIONS).where(_VERSIONS.c.id == row.id).values(**values))


def _sealed_table(name: str) -> Callable[[Connection, _Pair, int, int], list[int]]:
    """Re-seal every Sealed column of a table with no keyed hashes of its own."""
    table = next(c.table for c in sealed_columns() if c.table.name == name)
    sealed = [c for c in table.columns if isinstance(c.type, Sealed)]

    def step(connection: Connection, keys: _Pair, after: int, size: int) -> list[int]:
        rows = _rows(connection, table, [_raw(c) for c in sealed], after, size)
        for row in rows:
            values = {
                c.name: type_coerce(keys.reseal(getattr(row, c.name)), LargeBinary) for c in sealed
            }
            connection.execute(update(table).where(table.c.id == row.id).values(**values))
        return [row.id for row in rows]

    return step


def _venues(connection: Connection, keys: _Pair, after: int, size: int) -> list[int]:
    """Venues (clinics): re-seal the address and re-make its link key, the name keys, and
    the phone keys from the venue's adverts' contact points (re-keyed in an earlier phase)."""
    rows = _rows(connection, _VENUES, [_raw(_VENUES.c.address), _VENUES.c.names], after, size)
    for row in rows:
        address = keys.open(row.address)
        parsed = parse_address(address) if address else None
        phones = connection.execute(
            select(ContactPoint.pseudonym)
            .join(AdvertContact, AdvertContact.contact_point_id == ContactPoint.id)
            .join(VenueAdvert, VenueAdvert.advert_id == AdvertContact.advert_id)
            .where(VenueAdvert.venue_id == row.id, ContactPoint.kind == "phone")
            .distinct()
        ).scalars()
        values = {
            "address": type_coerce(keys.reseal(row.address), LargeBinary),
            "address_key": address_key(keys.new, parsed) if parsed else None,
            "name_keys": [venue_name_key(keys.new, name) for name in row.names or []],
            "phone_keys": sorted(phones),
        }
        connection.execute(update(_VENUES).where(_VENUES.c.id == row.id).values(**values))
    return [row.id for row in rows]


def _roster(connection: Connection, keys: _Pair, after: int, size: int) -> list[int]:
    """Roster entries: re-seal the name; re-make a key made from the name (a page's roster,
    or the names the NLP stage read, which a clinic version keeps sealed since 0018) or the
    photos. A key from an analysis stored before 0018 (no name kept) stays as it was."""
    columns = [_raw(_ROSTER.c.name), _ROSTER.c.person_key, _ROSTER.c.image_hashes]
    rows = _rows(connection, _ROSTER, columns, after, size)
    for row in rows:
        name = keys.open(row.name)
        photos = list(row.image_hashes or [])
        key = row.person_key
        if name:
            key = person_key(keys.new, RosterPerson(name))
        elif photos and key == photos_key(keys.old, photos):
            key = photos_key(keys.new, photos)
        values = {"name": type_coerce(keys.reseal(row.name), LargeBinary), "person_key": key}
        connection.execute(update(_ROSTER).where(_ROSTER.c.id == row.id).values(**values))
    return [row.id for row in rows]


_STEPS = {
    "contact_points": _contact_points,
    "suppressions": _suppressions,
    "adverts": _adverts,
    "venues": _venues,
    "roster_entries": _roster,
}


def _after_batch(phase: str, batches: int) -> None:
    """Called after each committed batch (tests stop a rotation here, as a kill would)."""


def _step(phase: str) -> Callable[[Connection, _Pair, int, int], list[int]]:
    return _STEPS.get(phase) or _sealed_table(phase)


def _unmatched_optouts(connection: Connection) -> int:
    """Opt-outs with no sealed value and no contact point: nothing to re-key them from."""
    orphan = ~exists().where(
        _POINTS.c.pseudonym == _OPTOUTS.c.pseudonym, _POINTS.c.kind == _OPTOUTS.c.kind
    )
    query = select(_OPTOUTS.c.id).where(_OPTOUTS.c.value.is_(None), orphan)
    return len(connection.execute(query).all())


def _fill_optout_values(database: Database) -> None:
    """Older opt-outs keep no value: take it from their contact point while it exists."""
    with database.session() as session:
        pending = session.scalars(select(Suppression).where(Suppression.value.is_(None))).all()
        for entry in pending:
            point = session.scalar(
                select(ContactPoint).where(
                    ContactPoint.pseudonym == entry.pseudonym, ContactPoint.kind == entry.kind
                )
            )
            if point is not None:
                entry.value = point.value


def _start(database: Database, settings: Settings, old: Keyring) -> Keyring:
    """Write the new key next to the old one and record the rotation (nothing re-keyed yet)."""
    _fill_optout_values(database)
    with database.engine.connect() as connection:
        unmatched = _unmatched_optouts(connection)
    if unmatched:
        raise SecretKeyError(
            f"{unmatched} opt-out entries have neither a sealed value nor a contact point to "
            "re-key them by; rotating would drop them from the opt-out list, so nothing was done"
        )
    path = new_key_path(settings)
    write_key_file(path)
    new = read_key_file(path)
    # the audit chain stays verifiable: keep the old key's audit purpose key (it opens nothing)
    write_private_text(
        audit.retired_key_path(settings.effective_secret_key_file, old.key_id),
        old.derive(audit.CHAIN_PURPOSE).hex() + "\n",
    )
    with database.session() as session:
        session.execute(
            update(SecretKeyRecord).where(SecretKeyRecord.key_id == old.key_id).values(state="old")
        )
        session.add(SecretKeyRecord(key_id=new.key_id, state="new"))
        session.add(KeyRotation(old_key_id=old.key_id, new_key_id=new.key_id, phase=phases()[0]))
        audit.record(
            session,
            settings,
            "key-rotation-start",
            params={"old_key_id": old.key_id, "new_key_id": new.key_id},
        )
    return new


def _run_phases(database: Database, keys: _Pair, size: int, report: RotationReport) -> None:
    order = phases()
    while True:
        with database.engine.begin() as connection:
            rotation = connection.execute(
                select(_ROTATIONS).where(KeyRotation.finished_at.is_(None))
            ).one()
            if rotation.phase == "done":
                return
            done = _step(rotation.phase)(connection, keys, rotation.last_id, size)
            report.rows[rotation.phase] += len(done)
            following = order[order.index(rotation.phase) + 1 :] or ["done"]
            phase, last_id = (rotation.phase, done[-1]) if done else (following[0], 0)
            connection.execute(
                update(_ROTATIONS)
                .where(KeyRotation.id == rotation.id)
                .values(phase=phase, last_id=last_id, batches=rotation.batches + 1)
            )
        _after_batch(rotation.phase, rotation.batches + 1)


def _finish(database: Database, settings: Settings, keys: _Pair, report: RotationReport) -> None:
    with database.engine.connect() as connection:
        report.reanalyse = len(
            connection.execute(
                select(_VERSIONS.c.id).where(_VERSIONS.c.analysed_ruleset.is_(None))
            ).all()
        )
    with database.session() as session:
        session.execute(delete(SecretKeyRecord).where(SecretKeyRecord.key_id == keys.old.key_id))
        session.execute(
            update(SecretKeyRecord)
            .where(SecretKeyRecord.key_id == keys.new.key_id)
            .values(state="active")
        )
        session.execute(
            update(KeyRotation)
            .where(KeyRotation.finished_at.is_(None))
            .values(finished_at=clock.now())
        )
        audit.record(
            session,
            settings,
            "key-rotation",
            params={"old_key_id": keys.old.key_id, "new_key_id": keys.new.key_id},
            counts=dict(report.rows),
        )
    # only now may the old key go: the database no longer needs it
    os.replace(new_key_path(settings), settings.effective_secret_key_file)
    use_sealer(keys.new)
    database.keyring = keys.new


def rotate(
    database: Database,
    settings: Settings,
    batch_size: int = BATCH_SIZE,
    started: Callable[[RotationReport, str], None] = lambda report, path: None,
) -> RotationReport:
    """Rotate to a new key, or resume an unfinished rotation; `started` is told the new key file."""
    if settings.secret_key is not None:
        raise SecretKeyError(
            "scout keys rotate replaces the key file; SCOUT_SECRET_KEY is set: put the key in "
            "a 0600 file named by SCOUT_SECRET_KEY_FILE instead, then rotate"
        )
    keyring = database.keyring
    if isinstance(keyring, RotatingKeyring):
        keys, resumed = _Pair(keyring.old, keyring.new), True
    else:
        keys, resumed = _Pair(keyring, _start(database, settings, keyring)), False
        use_sealer(RotatingKeyring(keys.new, keys.old))
    report = RotationReport(
        keys.old.key_id, keys.new.key_id, str(settings.effective_secret_key_file), resumed
    )
    started(report, str(new_key_path(settings)))
    _run_phases(database, keys, batch_size, report)
    _finish(database, settings, keys, report)
    return report
