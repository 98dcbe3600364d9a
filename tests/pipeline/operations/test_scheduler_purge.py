"""The nightly purge deletes exactly what is past retention (N-1, N, N+1 days)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    AuditEntry,
    ContactPoint,
    ExportRecord,
    IndicatorHit,
    LinkSignature,
    Site,
)
from pipeline.cli.main import main
from pipeline.operations.retention import purge
from pipeline.reports.export.manifest import write_manifest

from helpers import operators

NOW = datetime(2026, 11, 29, 3, 30, tzinfo=UTC)


def _advert(session, keyring, site: Site, name: str, gone_days: float | None, phone: str) -> Advert:
    advert = Advert(
        site_id=site.id,
        external_id=name,
        url=f"http://127.0.0.1/ad/{name}",
        first_seen=NOW - timedelta(days=400),
        last_seen=NOW - timedelta(days=300),
        gone_at=None if gone_days is None else NOW - timedelta(days=gone_days),
        title=name,
        text=f"text {name}",
        content_hash="0" * 64,
    )
    session.add(advert)
    session.flush()
    point = session.scalar(
        select(ContactPoint).where(ContactPoint.pseudonym == keyring.pseudonym("phone", phone))
    )
    if point is None:
        point = ContactPoint(
            kind="phone",
            value=phone,
            key_id=keyring.key_id,
            pseudonym=keyring.pseudonym("phone", phone),
        )
        session.add(point)
        session.flush()
    version = AdvertVersion(advert_id=advert.id, seen_at=advert.first_seen, content_hash="0" * 64)
    session.add(version)
    session.flush()
    session.add_all(
        [
            AdvertContact(advert_id=advert.id, contact_point_id=point.id),
            IndicatorHit(
                advert_id=advert.id,
                version_id=version.id,
                rule_id="r",
                category="c",
                ruleset_version="v",
                weight=1.0,
            ),
            LinkSignature(
                advert_id=advert.id, config="k", signature=b"\x01" * 256, phashes=b"\x02" * 8
            ),
        ]
    )
    return advert


def _fill(database, days: int) -> None:
    keyring = database.keyring
    with database.session() as session:
        site = Site(name="demo_classic", base_url="http://127.0.0.1:8801")
        session.add(site)
        session.flush()
        _advert(session, keyring, site, "minus1", days - 1, "+4520000001")
        _advert(session, keyring, site, "exactly", days, "+4520000002")
        _advert(session, keyring, site, "plus1", days + 1, "+4520000003")
        _advert(session, keyring, site, "shared-old", days + 5, "+4520000004")
        _advert(session, keyring, site, "shared-live", None, "+4520000004")


def test_purge_deletes_exactly_what_is_past_retention(database, settings) -> None:
    _fill(database, settings.retention_days)
    with database.session() as session:
        dry = purge(session, settings, NOW, dry_run=True)
    assert (dry.adverts, dry.contact_points) == (2, 1)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Advert)) == 5
        report = purge(session, settings, NOW)
    assert (report.adverts, report.contact_points) == (2, 1)
    with database.session() as session:
        left = set(session.scalars(select(Advert.external_id)))
        assert left == {"minus1", "exactly", "shared-live"}
        # versions, contact links, hits and linking state went with their adverts
        assert session.scalar(select(func.count()).select_from(AdvertVersion)) == 3
        assert session.scalar(select(func.count()).select_from(LinkSignature)) == 3
        assert session.scalar(select(func.count()).select_from(IndicatorHit)) == 3
        assert session.scalar(select(func.count()).select_from(AdvertContact)) == 3
        phones = set(session.scalars(select(ContactPoint.value)))
        assert phones == {"+4520000001", "+4520000002", "+4520000004"}  # shared one kept
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["purge-dry-run", "purge"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
        assert entry.counts["adverts"] == 2 and "+45" not in str(entry.params)


def _expired_export(database, folder) -> None:
    with database.session() as session:
        session.add(
            ExportRecord(
                actor="t",
                recipient="uni",
                legal_basis="research",
                expires_at=NOW - timedelta(days=1),
                path=str(folder),
            )
        )


def test_purge_removes_old_logs_and_expired_exports(database, settings, tmp_path) -> None:
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    old, fresh = logs / "crawl-old.log", logs / "crawl-new.log"
    old.write_text("x")
    fresh.write_text("x")
    stamp = (NOW - timedelta(days=settings.log_retention_days + 1)).timestamp()
    os.utime(old, (stamp, stamp))
    now_stamp = time.time()
    os.utime(fresh, (now_stamp, now_stamp))
    folder = tmp_path / "export-a"
    folder.mkdir()
    (folder / "adverts.csv").write_text("a")
    write_manifest(folder)
    _expired_export(database, folder)
    with database.session() as session:
        report = purge(session, settings, NOW)
    assert (report.log_files, report.exports) == (1, 1)
    assert not old.exists() and fresh.exists() and not folder.exists()
    with database.session() as session:
        assert session.scalar(select(ExportRecord.purged_at)) is not None


def test_purge_cli_dry_run(database, settings, capsys, monkeypatch) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    _fill(database, settings.retention_days)
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would delete" in out
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Advert)) == 5


def test_rule14_purge_of_expired_export_keeps_a_users_file(database, settings, tmp_path) -> None:
    """Audit rule 14 / defect 9: only the files Scout wrote go; the user's thesis stays."""
    folder = tmp_path / "export-b"
    folder.mkdir()
    for name in ("adverts.csv", "datapackage.json", "README.md"):
        (folder / name).write_text("scout")
    write_manifest(folder)
    (folder / "precious-thesis.txt").write_text("thesis")
    _expired_export(database, folder)
    with database.session() as session:
        assert purge(session, settings, NOW).exports == 1
    assert sorted(p.name for p in folder.iterdir()) == ["precious-thesis.txt"]
