"""Migrations on SQLite and PostgreSQL: round trip, no drift, schema guards."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from models import metadata
from pipeline.core import migrations
from pipeline.core.db import open_database
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
