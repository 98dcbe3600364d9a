"""Model rules on both engines: uniqueness, cascades, the append-only audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import IntegrityError

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    AuditEntry,
    AuditLogIsAppendOnly,
    ContactPoint,
    CrawlRun,
    ImageHash,
    IndicatorHit,
    Sighting,
    Site,
)
from pipeline.core.audit import record

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _advert(site: Site, external_id: str = "a1") -> Advert:
    return Advert(
        site_id=site.id,
        external_id=external_id,
        url=f"http://127.0.0.1/ad/{external_id}",
        first_seen=NOW,
        last_seen=NOW,
        title="Anna",
        text="Hej, jeg er Anna",
        content_hash="0" * 64,
    )


def _site(session) -> Site:
    site = Site(name="demo", base_url="http://127.0.0.1:8801")
    session.add(site)
    session.flush()
    return site


def test_models_advert_unique_per_site_and_external_id(database) -> None:
    with pytest.raises(IntegrityError), database.session() as session:
        site = _site(session)
        session.add(_advert(site))
        session.flush()
        session.add(_advert(site))
        session.flush()


def test_models_contact_point_unique_per_kind_and_value(database) -> None:
    pseudonym = database.keyring.pseudonym("phone", "+4520123456")
    with pytest.raises(IntegrityError), database.session() as session:
        for _ in range(2):
            session.add(
                ContactPoint(
                    kind="phone",
                    value="+4520123456",
                    pseudonym=pseudonym,
                    key_id=database.keyring.key_id,
                    country="DK",
                )
            )
            session.flush()


def test_models_deleting_advert_cascades(database) -> None:
    with database.session() as session:
        site = _site(session)
        advert = _advert(site)
        session.add(advert)
        session.flush()
        run = CrawlRun(site_id=site.id, started_at=NOW)
        contact = ContactPoint(
            kind="phone",
            value="+4520123456",
            key_id="00000000",
            pseudonym=database.keyring.pseudonym("phone", "+4520123456"),
        )
        session.add_all([run, contact])
        session.flush()
        version = AdvertVersion(advert_id=advert.id, seen_at=NOW, content_hash="0" * 64)
        session.add(version)
        session.flush()
        session.add_all(
            [
                Sighting(advert_id=advert.id, crawl_run_id=run.id, seen_at=NOW),
                AdvertContact(advert_id=advert.id, contact_point_id=contact.id),
                ImageHash(advert_id=advert.id, phash="f0f0f0f0f0f0f0f0"),
                IndicatorHit(
                    advert_id=advert.id,
                    version_id=version.id,
                    rule_id="r",
                    category="c",
                    ruleset_version="v",
                    weight=1.0,
                ),
            ]
        )
    with database.session() as session:
        session.execute(delete(Advert))
    with database.session() as session:
        for model in (AdvertVersion, Sighting, AdvertContact, ImageHash, IndicatorHit):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        # contact points are purged separately when orphaned; the crawl run stays
        assert session.scalar(select(func.count()).select_from(ContactPoint)) == 1
        assert session.scalar(select(func.count()).select_from(CrawlRun)) == 1


def _one_entry(database, settings) -> int:
    with database.session() as session:
        entry = record(session, settings, "reveal", reason="test", counts={"contacts": 1})
        session.flush()
        return entry.id


def test_models_audit_entry_records_actor_and_role(database, settings) -> None:
    entry_id = _one_entry(database, settings)
    with database.session() as session:
        entry = session.get(AuditEntry, entry_id)
        assert entry.actor == settings.effective_actor
        assert entry.role == settings.role
        assert entry.counts == {"contacts": 1}


def test_models_audit_log_refuses_orm_update_and_delete(database, settings) -> None:
    entry_id = _one_entry(database, settings)
    with pytest.raises(AuditLogIsAppendOnly), database.session() as session:
        session.get(AuditEntry, entry_id).reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly), database.session() as session:
        session.delete(session.get(AuditEntry, entry_id))
    with pytest.raises(AuditLogIsAppendOnly), database.session() as session:
        session.execute(update(AuditEntry).values(reason="x"))
    with pytest.raises(AuditLogIsAppendOnly), database.session() as session:
        session.execute(delete(AuditEntry))


def test_models_audit_log_refuses_raw_sql_changes(database, settings) -> None:
    entry_id = _one_entry(database, settings)
    for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(SADatabaseError, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(statement))
    with database.session() as session:
        assert session.get(AuditEntry, entry_id).reason == "test"
