"""Migrations on SQLite and PostgreSQL: round trip, no drift, schema guards, carried data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import column, func, inspect, select, table, text

from models import Advert, AdvertVersion, AuditEntry, LinkState, metadata
from pipeline.core import clock, migrations
from pipeline.core.db import Database, open_database
from pipeline.core.errors import DatabaseError
from pipeline.core.settings import Settings


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_migrations_upgrade_downgrade_upgrade_round_trip(settings: Settings) -> None:
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings)
    assert _tables(db.engine) == set(metadata.tables)
    migrations.downgrade(db.engine, settings, "base")
    assert _tables(db.engine) == set()
    assert migrations.current_revision(db.engine) is None
    migrations.upgrade(db.engine, settings)
    assert migrations.current_revision(db.engine) == migrations.head_revision(settings)
    assert _tables(db.engine) == set(metadata.tables)
    db.dispose()


def test_migrations_check_finds_no_drift(database, settings: Settings) -> None:
    assert migrations.drift(database.engine, settings) is None


def test_migrations_check_reports_drift(database, settings: Settings) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_audit_log_action"))
    found = migrations.drift(database.engine, settings)
    assert found is not None and "ix_audit_log_action" in found


def test_migrations_stale_statistics_named_only_when_autovacuum_is_off(database) -> None:
    """`scout db check` warns when PostgreSQL will never analyse Scout's tables (the
    PostgreSQL of this machine kind runs with autovacuum off); SQLite has nothing to say."""
    found = migrations.stale_statistics(database.engine)
    if database.engine.dialect.name == "sqlite":
        assert found is None
        return
    with database.engine.connect() as connection:
        setting = connection.exec_driver_sql("SHOW autovacuum").scalar()
    assert setting in ("on", "off")
    if setting == "off":
        assert found is not None and "autovacuum is off" in found and "ANALYZE" in found
    else:
        assert found is None


def test_migrations_empty_database_refused_with_hint(settings: Settings) -> None:
    with pytest.raises(DatabaseError, match="run: scout db upgrade"):
        open_database(settings)


def test_migrations_newer_schema_refused(database, settings: Settings) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(DatabaseError, match="newer than this Scout"):
        open_database(settings)
    with pytest.raises(DatabaseError, match="newer than this Scout"):
        migrations.upgrade(database.engine, settings)


def _old_entry(session, action: str, params: dict) -> None:
    """An audit entry as Scout wrote it before the hash chain (migration 0014)."""
    old = table(
        "audit_log",
        column("at"), column("actor"), column("role"), column("action"),
        column("params", AuditEntry.__table__.c.params.type),
        column("counts", AuditEntry.__table__.c.counts.type),
    )  # fmt: skip
    session.execute(
        old.insert().values(
            at=clock.now(), actor="ops", role="analyst", action=action, params=params, counts={}
        )
    )


def _link_entry(session, settings: Settings, version_id: int, image_id: int, rules: str) -> None:
    params = {"full": False, "last_version_id": version_id, "last_image_id": image_id}
    _old_entry(session, "link", {**params, "ruleset_version": rules})


def test_migration_0005_carries_the_link_watermark_over_from_the_audit_log(
    settings: Settings,
) -> None:
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings, "0004")
    with db.session() as session:
        _link_entry(session, settings, 7, 3, "aaaaaabbbbbb")
    with db.session() as session:
        _link_entry(session, settings, 41, 12, "ccccccdddddd")
        _old_entry(session, "purge", {"retention_days": 30})
    with db.session() as session:
        latest_at = session.scalars(
            select(AuditEntry.at).where(AuditEntry.action == "link").order_by(AuditEntry.id)
        ).all()[-1]
    migrations.upgrade(db.engine, settings)
    with db.session() as session:
        state = session.get(LinkState, 1)
        assert state is not None
        assert (state.last_version_id, state.last_image_id) == (41, 12)
        assert state.ruleset_version == "ccccccdddddd" and state.full is False
        assert state.last_run_at == latest_at
    migrations.downgrade(db.engine, settings, "0004")
    assert "link_state" not in _tables(db.engine)
    with db.session() as session:  # the audit log keeps every entry
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 3
    db.dispose()


def test_migration_0005_without_a_link_run_leaves_no_watermark(settings: Settings) -> None:
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings, "0004")
    migrations.upgrade(db.engine, settings)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(LinkState)) == 0
    db.dispose()


def test_migration_0010_seals_stored_unknown_cities_h3(settings: Settings) -> None:
    """Audit H3: a database written before 0010 keeps no free-text city in clear after it."""
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings, "0007")
    hostile = "Ring Anna 28 11 22 33 eller anna.k@example.com"
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sites (id, name, base_url, created_at) "
                "VALUES (1, 's', 'http://127.0.0.1', CURRENT_TIMESTAMP)"
            )
        )
        for advert_id, city in ((1, hostile), (2, "Aarhus")):
            connection.execute(
                text(
                    "INSERT INTO adverts (id, site_id, external_id, url, first_seen, last_seen, "
                    "city, content_hash, suppressed) VALUES (:id, 1, :ext, 'u', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :city, 'h', false)"
                ),
                {"id": advert_id, "ext": str(advert_id), "city": city},
            )
    migrations.upgrade(db.engine, settings)
    with db.session() as session:
        rows = session.execute(
            select(Advert.external_id, Advert.city, Advert.unknown_city).order_by(Advert.id)
        ).all()
    assert [tuple(r) for r in rows] == [("1", None, hostile), ("2", "Aarhus", None)]
    migrations.downgrade(db.engine, settings, "0007")
    with db.engine.connect() as connection:
        cities = connection.execute(text("SELECT city FROM adverts ORDER BY id")).scalars().all()
    assert cities == [hostile, "Aarhus"]
    db.dispose()


def _old_advert(connection) -> None:
    """A site and one advert, in the columns every schema since 0001 has (no kind)."""
    connection.execute(
        text(
            "INSERT INTO sites (id, name, base_url, created_at) "
            "VALUES (1, 'old_site', 'http://127.0.0.1:1', CURRENT_TIMESTAMP)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO adverts (id, site_id, external_id, url, first_seen, last_seen, "
            "content_hash, suppressed) VALUES (1, 1, 'a1', 'http://127.0.0.1:1/a1', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :hash, false)"
        ),
        {"hash": "0" * 64},
    )


def test_migration_0011_marks_stored_adverts_escort(settings: Settings) -> None:
    """Adverts stored before kinds existed are escort adverts after 0011, on both engines."""
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings, "0010")
    with db.engine.begin() as connection:
        _old_advert(connection)
    migrations.upgrade(db.engine, settings)
    with db.engine.connect() as connection:
        assert connection.execute(select(Advert.kind)).scalars().all() == ["escort"]
    migrations.downgrade(db.engine, settings, "0010")
    assert "kind" not in {c["name"] for c in inspect(db.engine).get_columns("adverts")}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM adverts")).scalar() == 1
    db.dispose()


def _old_version(connection) -> None:
    """A version of the advert `_old_advert` wrote, in the columns every schema has."""
    connection.execute(
        text(
            "INSERT INTO advert_versions (id, advert_id, seen_at, content_hash) "
            "VALUES (1, 1, CURRENT_TIMESTAMP, :hash)"
        ),
        {"hash": "0" * 64},
    )


def _upgraded_from(settings: Settings, revision: str) -> Database:
    """A database at `revision` holding an advert and a version, then upgraded to head."""
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings, revision)
    with db.engine.begin() as connection:
        _old_advert(connection)
        _old_version(connection)
    migrations.upgrade(db.engine, settings)
    return db


def test_migration_0016_adds_posted_at_and_side_refused_and_takes_them_back(
    settings: Settings,
) -> None:
    """Adverts stored before 0016 have no posting date or refusals; a downgrade keeps them."""
    db = _upgraded_from(settings, "0015")
    posted = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with db.session() as session:
        advert = session.get(Advert, 1)
        version = session.get(AdvertVersion, 1)
        assert advert is not None and version is not None
        assert (advert.posted_at, advert.side_refused, version.posted_at) == (None, None, None)
        advert.posted_at, version.posted_at = posted, posted
        advert.side_refused = ["reveal: HTTP 403"]
    with db.session() as session:
        advert = session.get(Advert, 1)
        assert advert is not None
        assert (advert.posted_at, advert.side_refused) == (posted, ["reveal: HTTP 403"])
    migrations.downgrade(db.engine, settings, "0015")
    for name, gone in (
        ("adverts", {"posted_at", "side_refused"}),
        ("advert_versions", {"posted_at"}),
    ):
        assert not gone & {c["name"] for c in inspect(db.engine).get_columns(name)}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM advert_versions")).scalar() == 1
    db.dispose()


def test_migration_0017_clinic_fields_up_and_down_keep_adverts(settings: Settings) -> None:
    """0017 adds the sealed clinic document to adverts and versions; going down drops it in
    place, keeping the adverts and their versions (no table rebuild cascading), both engines."""
    db = _upgraded_from(settings, "0016")
    for name in ("adverts", "advert_versions"):
        assert "clinic" in {c["name"] for c in inspect(db.engine).get_columns(name)}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT clinic FROM adverts")).scalars().all() == [None]
    migrations.downgrade(db.engine, settings, "0016")
    for name in ("adverts", "advert_versions"):
        assert "clinic" not in {c["name"] for c in inspect(db.engine).get_columns(name)}
        with db.engine.connect() as connection:
            assert connection.execute(text(f"SELECT count(*) FROM {name}")).scalar() == 1
    db.dispose()


def test_migration_0018_version_names_up_and_down_keep_versions(settings: Settings) -> None:
    """0018 adds the sealed analysis names to versions; going down drops the column in place
    and keeps the adverts and versions, both engines."""
    db = _upgraded_from(settings, "0017")
    assert "names" in {c["name"] for c in inspect(db.engine).get_columns("advert_versions")}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT names FROM advert_versions")).scalars().all() == [
            None
        ]
    migrations.downgrade(db.engine, settings, "0017")
    assert "names" not in {c["name"] for c in inspect(db.engine).get_columns("advert_versions")}
    with db.engine.connect() as connection:
        for name in ("adverts", "advert_versions"):
            assert connection.execute(text(f"SELECT count(*) FROM {name}")).scalar() == 1
    db.dispose()


def test_migration_0019_link_gaps_up_and_down_keep_the_watermark(settings: Settings) -> None:
    """0019 adds the watermark's gaps (none carried over: the old run recorded none); going
    down drops the column in place and keeps the watermark, both engines."""
    db = open_database(settings, require_schema=False)
    migrations.upgrade(db.engine, settings, "0018")
    state = table(
        "link_state",
        column("id"), column("last_run_at"), column("full"), column("ruleset_version"),
        column("last_version_id"), column("last_image_id"),
    )  # fmt: skip
    watermark = {"id": 1, "full": False, "ruleset_version": "abc", "last_version_id": 7}
    with db.engine.begin() as connection:
        connection.execute(
            state.insert().values(**watermark, last_run_at=clock.now(), last_image_id=3)
        )
    migrations.upgrade(db.engine, settings)
    with db.session() as session:
        row = session.get(LinkState, 1)
        assert row is not None
        assert (row.last_version_id, row.last_image_id, row.gaps) == (7, 3, None)
        row.gaps = {"versions": [[5, 6, "2026-12-03T07:00:00+00:00"]], "images": []}
    with db.session() as session:
        row = session.get(LinkState, 1)
        assert row is not None and row.gaps == {
            "versions": [[5, 6, "2026-12-03T07:00:00+00:00"]],
            "images": [],
        }
    migrations.downgrade(db.engine, settings, "0018")
    assert "gaps" not in {c["name"] for c in inspect(db.engine).get_columns("link_state")}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT last_version_id FROM link_state")).scalar() == 7
    db.dispose()
