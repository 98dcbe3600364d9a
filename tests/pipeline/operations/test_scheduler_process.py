"""The scheduler as a process: one per database, killed and restarted without losing or
duplicating jobs, missed runs done once, a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, text

from models import AuditEntry
from pipeline.operations.scheduling import JOBS_TABLE

from helpers import operators

pytestmark = pytest.mark.subprocess  # the scheduler and the crawls it starts


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-P", "-m", "pipeline.cli.main", "schedule", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _jobs(database) -> list[tuple[str, float]]:
    with database.engine.connect() as connection:
        if not connection.dialect.has_table(connection, JOBS_TABLE):
            return []
        return sorted(connection.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}")))


def test_scheduler_restart_keeps_jobs_and_runs_missed_once(
    database, settings, tmp_path, monkeypatch
) -> None:
    (tmp_path / "sites").mkdir()  # no sites: digest, weekly full link and purge are the jobs
    env = {
        **os.environ,
        "SCOUT_SITES_DIR": str(tmp_path / "sites"),
        **operators.operator_env(tmp_path, default_role="admin"),
    }
    first = _start(env)
    try:
        try:
            _wait(lambda: len(_jobs(database)) == 3 or first.poll() is not None)
        except AssertionError:
            first.kill()
            raise AssertionError(first.communicate()) from None
        assert first.poll() is None, first.communicate()
        second = _start(env)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1
        assert "already running" in err and err.strip().count("\n") == 0
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    before = _jobs(database)
    assert [job_id for job_id, _ in before] == ["digest", "link-full", "purge"]
    # as if the scheduler had been down for three nights: the purge's next run is long past
    store = SQLAlchemyJobStore(url=settings.effective_database_url, tablename=JOBS_TABLE)
    store.start(BackgroundScheduler(timezone=settings.tz), "default")
    job = store.lookup_job("purge")
    job._modify(next_run_time=datetime.now(UTC) - timedelta(days=3))
    store.update_job(job)
    store.shutdown()
    restarted = _start(env)
    state_file = Path(settings.data_dir) / "scheduler-state.json"
    try:
        _wait(lambda: state_file.exists() and "purge" in json.loads(state_file.read_text()))
        time.sleep(1)
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(timeout=60) == 0
    finally:
        if restarted.poll() is None:
            restarted.kill()
    after = _jobs(database)
    assert [job_id for job_id, _ in after] == ["digest", "link-full", "purge"]  # none lost/doubled
    assert dict(after)["digest"] == dict(before)["digest"]  # an unchanged job keeps its time
    assert dict(after)["purge"] > time.time()  # rescheduled after the catch-up run
    with database.session() as session:
        purges = session.scalar(select(func.count()).where(AuditEntry.action == "purge"))
    assert purges == 1, "three missed nightly purges run once (coalesced)"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_scheduler_refuses_out_of_date_database(db_url, tmp_path) -> None:
    env = {**os.environ, **operators.operator_env(tmp_path, default_role="admin")}
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pipeline.cli.main", "schedule", "run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "scout db upgrade" in result.stderr
