"""Audit 2026-12-02, faults F2 and F3: `scout link` killed (SIGKILL) just before it commits.

The link process kills itself once every link, cluster, event and score is written but not
yet committed (the latest point of one run's single transaction): a real SIGKILL, at a
point that does not depend on the machine's speed."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking.run import link_database

from helpers.fleet import fingerprint
from helpers.linking_world import load_world

pytestmark = pytest.mark.subprocess

# `scout link [--full]` in a process that SIGKILLs itself when the run is about to commit
KILLED_LINK = """
import os, signal, sys
from pipeline.cli.main import main
from pipeline.stages.linking import run

def killed(session, settings, summary, mark):
    session.flush()  # everything of the run is in the open transaction
    os.kill(os.getpid(), signal.SIGKILL)

run._remember = killed
sys.exit(main(["link", *sys.argv[1:]]))
"""
TABLES = ("clusters", "cluster_members", "advert_links", "cluster_events", "scores", "link_state")


def _linked(database: Database) -> dict[str, Any]:
    found = fingerprint(database)
    with database.engine.connect() as connection:
        for table in TABLES:
            found[f"{table} rows"] = connection.exec_driver_sql(
                f"SELECT count(*) FROM {table}"
            ).scalar()
    return found


def _killed_link(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_LINK, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.fixture
def world(database: Database, demo_truth: dict[str, Any]) -> Database:
    clock.set_now(datetime(2026, 11, 6, 13, tzinfo=UTC))
    load_world(database, demo_truth, up_to_day=4)
    return database


def test_f2_link_killed_before_commit_leaves_nothing_and_a_rerun_is_whole(
    world: Database, settings: Settings
) -> None:
    empty = _linked(world)
    assert empty["clusters rows"] == 0
    _killed_link()
    assert _linked(world) == empty  # nothing half-committed
    link_database(world, settings)
    rerun = _linked(world)
    assert rerun["clusters rows"] > 0 and rerun["scores rows"] > 0
    # the same partition as a run that was never interrupted: a full run over the same adverts
    link_database(world, settings, full=True)
    assert _linked(world)["clusters"] == rerun["clusters"]
    with world.engine.connect() as connection:
        twice = connection.exec_driver_sql(
            "SELECT advert_id FROM cluster_members GROUP BY advert_id HAVING count(*) > 1"
        ).all()
    assert twice == []


def test_f3_link_full_killed_leaves_the_linked_database_unchanged(
    world: Database, settings: Settings
) -> None:
    link_database(world, settings)
    before = _linked(world)
    _killed_link("--full")
    assert _linked(world) == before
    link_database(world, settings, full=True)
    after = _linked(world)  # a rerun is identical: the same partition and links
    assert after["clusters"] == before["clusters"]
    assert after["link_kinds"] == before["link_kinds"]
