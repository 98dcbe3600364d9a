"""`make test` runs the suite in two pytest-xdist workers: what two tests running at once could
share is given to each worker on its own (PostgreSQL schemas and ports already are per test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import fleet

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("base", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/14", "gw0", "redis://127.0.0.1:6379/14"),
        ("redis://127.0.0.1:6379/14", "gw1", "redis://127.0.0.1:6379/13"),
        ("redis://:secret@10.0.0.5:6380/9", "gw3", "redis://:secret@10.0.0.5:6380/6"),
        ("redis://127.0.0.1:6379", "gw0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_parallel_each_worker_has_a_redis_database_of_its_own(
    base: str, worker: str, expected: str
) -> None:
    assert fleet.worker_redis_url(base, worker) == expected


def test_parallel_a_plain_run_uses_the_given_redis_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert fleet.worker_redis_url("redis://127.0.0.1:6379/14") == "redis://127.0.0.1:6379/14"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")
    assert fleet.worker_redis_url("redis://127.0.0.1:6379/14") == "redis://127.0.0.1:6379/12"


def test_parallel_too_many_workers_for_the_redis_databases_is_an_error() -> None:
    with pytest.raises(ValueError, match="gw2"):
        fleet.worker_redis_url("redis://127.0.0.1:6379/1", "gw2")


SAMPLE = """
import os

import pytest


def _ran(name):
    with open(os.environ["RAN"], "a") as log:
        log.write(name + "\\n")


def test_short_a():
    _ran("short_a")


@pytest.mark.slow
def test_long_b():
    _ran("long_b")


def test_short_c():
    _ran("short_c")


@pytest.mark.browser
def test_long_d():
    _ran("long_d")
"""


def _run_sample(folder: Path, *args: str) -> list[str]:
    ran = folder / f"ran-{len(args)}.txt"
    env = {**os.environ, "RAN": str(ran)}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), *sys.path])
    command = [sys.executable, "-m", "pytest", "-p", "helpers.parallel", "-p", "no:cacheprovider",
               "-W", "ignore::pytest.PytestUnknownMarkWarning", "-q", "--rootdir", str(folder),
               "-c", os.devnull, *args, str(folder)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return ran.read_text().split()


@pytest.mark.subprocess
def test_parallel_xdist_workers_start_the_long_tests_first(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    # one worker runs its tests in the order it was given
    assert _run_sample(tmp_path, "-n", "1") == ["long_b", "long_d", "short_a", "short_c"]
    # a run in one process keeps the collected order
    assert _run_sample(tmp_path) == ["short_a", "long_b", "short_c", "long_d"]
