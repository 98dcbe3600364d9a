"""The audit log as operators handle it: entries before destructive commands, verify, export,
and the guard that keeps a downgrade from silently taking the log with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from models import AuditEntry
from pipeline.core import audit, migrations
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.private import write_private_text
from pipeline.core.settings import Settings

# Undoing these revisions removes the audit log (0001) or its hash chain (0014).
AUDIT_REVISIONS = frozenset({"0001", "0014"})
EXPORT_ACTION = "audit-export"


class AuditChainBroken(ScoutError):
    """`scout audit verify` found an entry whose hash chain does not hold."""

    exit_code = 4


def has_audit_log(database: Database) -> bool:
    return inspect(database.engine).has_table(AuditEntry.__tablename__)


def record_command(database: Database, settings: Settings, path: str, **params: str) -> None:
    """Commit an entry naming an admin command before it runs.

    Nothing is written to a database without Scout's current schema: the command itself then
    stops with "run: scout db upgrade" (or, for `db downgrade`, works on an older log).
    """
    current = migrations.current_revision(database.engine)
    if current != migrations.head_revision(settings) or not has_audit_log(database):
        return
    with database.session() as session:
        audit.record(session, settings, "command", params={"command": path, **params})


def chain_keys(database: Database, settings: Settings) -> dict[str, bytes]:
    return audit.chain_keys(database.keyring, settings.effective_secret_key_file)


def verify(database: Database, settings: Settings) -> audit.ChainReport:
    """Check the whole chain; raise AuditChainBroken (one line) at the first broken entry."""
    with database.session() as session:
        report = audit.verify(session, chain_keys(database, settings))
    if not report.intact:
        raise AuditChainBroken(
            f"audit log chain broken at entry {report.broken_id}: it {report.problem} "
            f"({report.checked} entries before it verified)"
        )
    return report


@dataclass(frozen=True)
class ExportReport:
    path: Path
    entries: int
    tip: str


def export(database: Database, settings: Settings, out: Path) -> ExportReport:
    """Write every entry as JSON lines to a new 0600 file and audit the export (with its tip)."""
    if out.exists():
        raise ScoutError(f"{out} exists; an audit export goes into a new file")
    with database.session() as session:
        lines = [json.dumps(audit.as_record(entry)) for entry in audit.all_entries(session)]
    write_private_text(out, "".join(line + "\n" for line in lines))
    tip = json.loads(lines[-1])["chain"] if lines else ""
    with database.session() as session:
        audit.record(
            session,
            settings,
            EXPORT_ACTION,
            params={"file": str(out.resolve())},
            counts={"entries": len(lines), "tip": (tip or "")[:16]},
        )
    return ExportReport(out, len(lines), tip or "")


def revisions_undone(database: Database, settings: Settings, target: str) -> list[str]:
    """The revisions a downgrade from the current one to `target` would undo (newest first)."""
    script = ScriptDirectory.from_config(migrations.alembic_config(settings))
    chain = [rev.revision for rev in script.walk_revisions()]  # head first
    current = migrations.current_revision(database.engine)
    if current is None or current not in chain:
        return []
    below = chain[chain.index(current) :]
    if target == "base":
        return below
    if target.startswith("-") and target[1:].isdigit():
        return below[: int(target[1:])]
    if target in below:
        return below[: below.index(target)]
    return []  # alembic reports an unknown target itself


def check_downgrade(database: Database, settings: Settings, target: str, i_know: bool) -> None:
    """Refuse a downgrade past the audit log (or its chain) unless --i-know and a fresh export."""
    undone = set(revisions_undone(database, settings, target)) & AUDIT_REVISIONS
    if not undone or not has_audit_log(database):
        return
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        last = session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1))
    if count == 0:
        return
    what = "the audit log" if "0001" in undone else "the audit log's hash chain"
    if not i_know:
        raise ScoutError(
            f"refused: downgrading to {target} removes {what} ({count} entries); export it "
            "(scout audit export --out FILE), then run again with --i-know"
        )
    if last != EXPORT_ACTION:
        raise ScoutError(
            f"refused: downgrading to {target} removes {what}, and it has entries since the "
            "last export; run: scout audit export --out FILE"
        )
