"""The linking watermark on both engines: kept in `link_state`, never read from the audit log,
and carried over from the audit log when migration 0005 upgrades a linked database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, inspect, select

from models import AdvertVersion, AuditEntry, ImageHash, LinkState
from pipeline.core import clock, migrations
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking.run import link_database

from helpers.linking_world import load_world

NOW = datetime(2026, 11, 8, 13, tzinfo=UTC)


def _watermark(database: Database) -> tuple[Any, ...] | None:
    with database.session() as session:
        state = session.get(LinkState, 1)
        if state is None:
            return None
        return (state.full, state.ruleset_version, state.last_version_id, state.last_image_id)


def test_linking_watermark_is_kept_in_link_state_not_read_from_the_audit_log(
    database: Database, settings: Settings, demo_truth: dict[str, Any]
) -> None:
    clock.set_now(NOW)
    load_world(database, demo_truth, up_to_day=5)
    first = link_database(database, settings)
    with database.session() as session:
        newest = (
            session.scalar(select(func.max(AdvertVersion.id))),
            session.scalar(select(func.max(ImageHash.id))),
        )
        ran_at = session.get(LinkState, 1).last_run_at  # type: ignore[union-attr]
    assert NOW <= ran_at <= clock.now()  # the (simulated) clock runs on from NOW
    assert _watermark(database) == (False, first.ruleset_version, *newest)
    assert link_database(database, settings).searched == 0
    with database.session() as session:
        session.execute(delete(LinkState))
        assert session.scalar(select(func.count()).where(AuditEntry.action == "link")) == 2
    # Both runs are still in the audit log, but without a watermark a run starts afresh.
    again = link_database(database, settings)
    assert again.searched == again.adverts > 0


def test_linking_stays_incremental_across_the_watermark_migration(
    database: Database, settings: Settings, demo_truth: dict[str, Any]
) -> None:
    clock.set_now(NOW)
    load_world(database, demo_truth, up_to_day=5)
    link_database(database, settings)
    before = _watermark(database)
    migrations.downgrade(database.engine, settings, "0004")
    assert "link_state" not in inspect(database.engine).get_table_names()
    migrations.upgrade(database.engine, settings)
    assert before is not None and _watermark(database) == before
    after = link_database(database, settings)
    assert after.searched == 0 and not after.full
