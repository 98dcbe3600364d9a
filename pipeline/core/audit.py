"""The audit log: every reveal, export, purge and admin action leaves an entry; admins search it.

Each entry is chained to the one before it: `chain` is an HMAC-SHA256, under the audit purpose
key of the master secret (`key_id`), over the previous entry's chain and this entry's fields.
Editing or deleting an entry (even with the triggers dropped, by a local superuser) breaks the
chain at that point, and `verify` names the first broken entry. Removing the newest entries
leaves a shorter valid chain: `scout audit export` copies hold the tip to compare against.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import AuditEntry
from models.types import utcnow
from pipeline.core.keys import Keyring
from pipeline.core.settings import Settings

CHAIN_PURPOSE = "audit-chain/v1"
_PG_CHAIN_LOCK = 0x5C0A_0D17  # pg_advisory_xact_lock id: one writer extends the chain at a time


def entry_fields(entry: AuditEntry) -> list[Any]:
    at = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    return [at, entry.actor, entry.role, entry.action, entry.reason, entry.params, entry.counts]


def chain_mac(key: bytes, previous: str, entry: AuditEntry) -> str:
    """The entry's chain value: HMAC over the previous chain and a canonical form of the entry."""
    message = json.dumps(
        [previous, *entry_fields(entry)], sort_keys=True, separators=(",", ":"), default=str
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _keyring(session: Session) -> Keyring | None:
    source = session.info.get("keyring")
    return source() if callable(source) else source


def _lock_chain(session: Session) -> None:
    """Hold the chain's write lock until commit, so two writers never chain to one entry."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _PG_CHAIN_LOCK})
    else:  # SQLite: a write statement (that changes nothing) takes the database's write lock
        session.execute(text("UPDATE audit_log SET id = id WHERE 0"))


def last_chain(session: Session) -> str:
    tip = session.scalar(
        select(AuditEntry.chain)
        .where(AuditEntry.chain.is_not(None))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return tip or ""


def record(
    session: Session,
    settings: Settings,
    action: str,
    *,
    reason: str | None = None,
    params: dict[str, Any] | None = None,
    counts: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry for the acting person, chained to the last. Never pass revealed content."""
    entry = AuditEntry(
        at=utcnow(),
        actor=settings.effective_actor,
        role=settings.role,
        action=action,
        reason=reason,
        params=params or {},
        counts=counts or {},
    )
    keyring = _keyring(session)
    if keyring is not None:
        _lock_chain(session)
        entry.key_id = keyring.key_id
        entry.chain = chain_mac(keyring.derive(CHAIN_PURPOSE), last_chain(session), entry)
    session.add(entry)
    return entry


def retired_key_path(key_file: Path, key_id: str) -> Path:
    """Where a rotation keeps a retired key's audit purpose key (never the master secret)."""
    return key_file.with_name(f"{key_file.name}.audit-{key_id}")


def chain_keys(keyring: Keyring, key_file: Path) -> dict[str, bytes]:
    """Audit keys by key id: the current key's and every retired one kept beside the key file."""
    keys: dict[str, bytes] = {}
    for path in sorted(key_file.parent.glob(f"{key_file.name}.audit-*")):
        keys[path.name.rsplit("-", 1)[1]] = bytes.fromhex(path.read_text().strip())
    old = getattr(keyring, "old", None)
    if isinstance(old, Keyring):
        keys[old.key_id] = old.derive(CHAIN_PURPOSE)
    keys[keyring.key_id] = keyring.derive(CHAIN_PURPOSE)
    return keys


@dataclass
class ChainReport:
    checked: int = 0  # chained entries verified
    unchained: int = 0  # entries from before the chain (migration 0014)
    broken_id: int | None = None  # first entry whose chain does not hold
    problem: str = ""
    tip: str = ""
    unknown_keys: set[str] = field(default_factory=set)

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_entries(entries: Iterable[AuditEntry], keys: dict[str, bytes]) -> ChainReport:
    """Walk entries in id order and report the first one whose chain does not hold."""
    report = ChainReport()
    previous = ""
    for entry in entries:
        if entry.chain is None:
            if report.checked == 0:
                report.unchained += 1
                continue
            report.broken_id, report.problem = entry.id, "has no chain value"
            return report
        key = keys.get(entry.key_id or "")
        if key is None:
            report.broken_id = entry.id
            report.problem = f"is signed with key {entry.key_id}, whose audit key is not here"
            report.unknown_keys.add(entry.key_id or "?")
            return report
        if not hmac.compare_digest(chain_mac(key, previous, entry), entry.chain):
            report.broken_id = entry.id
            report.problem = "does not match: it was changed, or an entry before it was removed"
            return report
        previous = report.tip = entry.chain
        report.checked += 1
    return report


def all_entries(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    return iter(
        session.scalars(
            select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
        )
    )


def verify(session: Session, keys: dict[str, bytes]) -> ChainReport:
    return verify_entries(all_entries(session), keys)


def as_record(entry: AuditEntry) -> dict[str, Any]:
    """One entry as JSON for `scout audit export` (the log holds no content by design)."""
    return {
        "id": entry.id,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "reason": entry.reason,
        "params": entry.params,
        "counts": entry.counts,
        "key_id": entry.key_id,
        "chain": entry.chain,
    }


@dataclass(frozen=True)
class AuditQuery:
    """What the admins' audit page narrows by; None means no narrowing on that field."""

    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def _where(query: AuditQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.actor:
        conditions.append(AuditEntry.actor == query.actor)
    if query.action:
        conditions.append(AuditEntry.action == query.action)
    if query.since is not None:
        conditions.append(AuditEntry.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.at < query.until)
    return conditions


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int  # entries matching in all
    page: int  # this page's number (a page past the end is the last page)
    pages: int


def search(session: Session, query: AuditQuery, page: int = 1, per_page: int = 50) -> AuditPage:
    """One page of matching entries, newest first."""
    conditions = _where(query)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(list(rows), total, page, pages)


def known_values(session: Session) -> tuple[list[str], list[str]]:
    """Every actor and every action in the log, for the filter's choices."""
    actors = session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor))
    actions = session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    return list(actors), list(actions)
