"""The audit log's hash chain (audit §4, rule 8): tampering is visible to `scout audit verify`.

Each case runs on SQLite and PostgreSQL, and tampers the way the audit did: with the append-
only triggers dropped (SQLite) or disabled by the table's owner (PostgreSQL).
"""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import Engine, insert, select, text

from models import AuditEntry
from pipeline.cli.main import main
from pipeline.core import audit
from pipeline.core.db import Database, open_database
from pipeline.core.settings import Settings, load_settings
from pipeline.operations import auditlog, keyrotation

from helpers import operators


def _entries(database: Database, settings: Settings, count: int) -> None:
    for number in range(count):
        with database.session() as session:
            audit.record(session, settings, "test", params={"n": number}, counts={"rows": number})


def _tamper(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        connection.execute(text(statement))


def _ids(database: Database) -> list[int]:
    with database.session() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_audit_chain_intact_and_signed_with_the_database_key(
    database: Database, settings: Settings
) -> None:
    _entries(database, settings, 5)
    report = auditlog.verify(database, settings)
    assert (report.checked, report.unchained, report.intact) == (5, 0, True)
    with database.session() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert {row.key_id for row in rows} == {database.keyring.key_id}
    assert len({row.chain for row in rows}) == 5 and report.tip == rows[-1].chain


def test_audit_chain_deleted_entry_names_the_next_one(
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _entries(database, settings, 5)
    ids = _ids(database)
    _tamper(database.engine, f"DELETE FROM audit_log WHERE id = {ids[2]}")
    with database.session() as session:
        report = audit.verify(session, auditlog.chain_keys(database, settings))
    assert (report.broken_id, report.checked) == (ids[3], 2)
    operators.set_operator(monkeypatch, default_role="admin")
    assert main(["audit", "verify"]) == 4
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: audit log chain broken at entry {ids[3]}: it does not match: it was changed, "
        "or an entry before it was removed (2 entries before it verified)"
    )


@pytest.mark.parametrize(
    "change",
    [
        "actor = 'mallory'",
        "action = 'nothing'",
        "counts = '{\"rows\": 0}'",
        "at = at",  # touching nothing keeps the chain: the check is of content, not of writes
    ],
)
def test_audit_chain_edited_entry_is_named(
    change: str, database: Database, settings: Settings
) -> None:
    _entries(database, settings, 4)
    ids = _ids(database)
    if database.engine.dialect.name == "postgresql" and change.startswith("counts"):
        change = "counts = '{\"rows\": 0}'::json"
    _tamper(database.engine, f"UPDATE audit_log SET {change} WHERE id = {ids[1]}")
    with database.session() as session:
        report = audit.verify(session, auditlog.chain_keys(database, settings))
    if change == "at = at":
        assert report.intact and report.checked == 4
    else:
        assert (report.broken_id, report.checked) == (ids[1], 1)


def test_audit_chain_older_unchained_entries_reported_a_gap_after_is_broken(
    database: Database, settings: Settings
) -> None:
    with database.engine.begin() as connection:  # as written before migration 0014
        connection.execute(
            insert(AuditEntry.__table__).values(
                at=audit.utcnow(), actor="old", role="admin", action="purge", params={}, counts={}
            )
        )
    _entries(database, settings, 2)
    report = auditlog.verify(database, settings)
    assert (report.unchained, report.checked) == (1, 2)
    with database.engine.begin() as connection:
        connection.execute(
            insert(AuditEntry.__table__).values(
                at=audit.utcnow(), actor="x", role="admin", action="sneaked", params={}, counts={}
            )
        )
    with pytest.raises(auditlog.AuditChainBroken, match="has no chain value"):
        auditlog.verify(database, settings)


def test_audit_chain_stays_verifiable_after_key_rotation(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    settings = load_settings()
    old_id = database.keyring.key_id
    _entries(database, settings, 3)
    keyrotation.rotate(database, settings)
    rotated = open_database(settings)
    try:
        _entries(rotated, settings, 2)
        report = auditlog.verify(rotated, settings)
        with rotated.session() as session:
            key_ids = set(session.scalars(select(AuditEntry.key_id)))
    finally:
        rotated.dispose()
    assert report.intact and report.checked >= 7  # ours, and the rotation's own entries
    assert key_ids == {old_id, rotated.keyring.key_id}
    kept = audit.retired_key_path(settings.effective_secret_key_file, old_id)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # the retired file holds only the audit purpose key: it is not the old master secret
    assert len(bytes.fromhex(kept.read_text().strip())) == 32


def test_rule8_reads_and_lists_are_audited_without_content(
    outreach_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, actor="worker1", default_role="outreach")
    assert main(["targets", "--format", "json", "--min-score", "0"]) == 0
    target = json.loads(capsys.readouterr().out)[0]["target"]
    assert main(["targets", "--format", "csv", "--min-score", "0"]) == 0
    assert main(["targets", "--min-score", "0"]) == 0  # the screen table is not a copy
    assert main(["targets", "show", target]) == 0
    assert main(["contact", "export"]) == 0
    capsys.readouterr()
    with outreach_db.session() as session:
        rows = [
            (entry.actor, entry.action, entry.params)
            for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert rows == [
        ("worker1", "targets-list", {"format": "json"}),
        ("worker1", "targets-list", {"format": "csv"}),
        ("worker1", "target-view", {"target": target}),
        ("worker1", "contact-export", {}),
    ]
