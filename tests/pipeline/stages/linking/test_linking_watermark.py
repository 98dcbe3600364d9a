"""The linking watermark on both engines: kept in `link_state`, never read from the audit log,
and carried over from the audit log when migration 0005 upgrades a linked database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, func, inspect, select

from models import Advert, AdvertVersion, AuditEntry, ClusterMember, ImageHash, LinkState
from pipeline.core import clock, migrations
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking import run, store
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


def test_versions_stored_while_linking_runs_are_searched_by_the_next_run(
    database: Database,
    settings: Settings,
    demo_truth: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crawl (another worker) storing versions while a link run searches: the run's
    watermark is what it saw when it started, so the next run searches the new versions."""
    clock.set_now(NOW)
    load_world(database, demo_truth, up_to_day=3)
    link_database(database, settings)
    with database.session() as session:
        seen = session.scalar(select(func.max(AdvertVersion.id)))
    search = run.search_links

    def crawl_meanwhile(*args: Any, **kwargs: Any) -> Any:
        found = search(*args, **kwargs)
        load_world(database, demo_truth, up_to_day=6)  # committed by other sessions
        return found

    monkeypatch.setattr(run, "search_links", crawl_meanwhile)
    link_database(database, settings)
    monkeypatch.undo()
    state = _watermark(database)
    with database.session() as session:
        newest = session.scalar(select(func.max(AdvertVersion.id)))
    assert state is not None and state[2] == seen < newest
    caught_up = link_database(database, settings)
    assert caught_up.searched > 0
    incremental = _memberships(database)
    link_database(database, settings, full=True)
    assert _memberships(database) == incremental


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_adverts_stored_while_a_run_gathers_neighbours_are_left_to_the_next_run(
    database: Database,
    settings: Settings,
    demo_truth: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL each statement of a run sees what is committed when it runs: a crawl
    (another worker) storing adverts that share contact points with the changed ones, after
    the run read what changed, put adverts in its neighbourhood it held no state for (a link
    job failed with KeyError(id)). The run keeps to what it read; the next run links the new
    adverts as a full run does."""
    clock.set_now(NOW)
    load_world(database, demo_truth, up_to_day=3)
    link_database(database, settings)
    load_world(database, demo_truth, up_to_day=4)  # a change for the next run to search
    with database.session() as session:
        known = session.scalar(select(func.max(Advert.id)))
    mates = store.contact_mates
    returned: list[set[int]] = []

    def crawl_meanwhile(session: Any, advert_ids: list[int]) -> set[int]:
        if not returned:
            load_world(database, demo_truth, up_to_day=6)  # committed by other sessions
        returned.append(mates(session, advert_ids))
        return returned[-1]

    monkeypatch.setattr(store, "contact_mates", crawl_meanwhile)
    link_database(database, settings)
    monkeypatch.undo()
    # the run met adverts stored after it began (the race this test is about)
    assert known is not None and any(a > known for a in returned[0])
    caught_up = link_database(database, settings)
    assert caught_up.searched > 0
    incremental = _memberships(database)
    link_database(database, settings, full=True)
    assert _memberships(database) == incremental


def _memberships(database: Database) -> set[frozenset[int]]:
    with database.session() as session:
        rows = session.execute(select(ClusterMember.cluster_id, ClusterMember.advert_id)).all()
    groups: dict[int, set[int]] = {}
    for cluster_id, advert_id in rows:
        groups.setdefault(cluster_id, set()).add(advert_id)
    return {frozenset(members) for members in groups.values()}
