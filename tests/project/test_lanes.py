"""The test lanes (tests/helpers/lanes.py): tests are marked by what they use, and a test that
starts a process without saying so fails. Checked on a throw-away test file in a child pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SAMPLE = """
import multiprocessing
import subprocess
import sys

import pytest


@pytest.fixture
def postgres_schema():
    return "stand-in"


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"])
def test_engine(db_url):
    pass


def test_schema(postgres_schema):
    pass


def test_quiet():
    pass


@pytest.mark.subprocess
def test_declared_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_undeclared_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_undeclared_pool():
    process = multiprocessing.get_context("fork").Process(target=print, name="pool-worker")
    process.start()
    process.join()
"""

pytestmark = pytest.mark.subprocess


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
    command = [sys.executable, "-m", "pytest", "-p", "helpers.lanes", "-p", "no:cacheprovider",
               "-W", "ignore::pytest.PytestUnknownMarkWarning"]  # fmt: skip
    return subprocess.run(
        [*command, "-q", "--rootdir", str(folder), "-c", os.devnull, *args, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    return tmp_path


def test_lanes_postgres_by_engine_or_schema_fixture(sample: Path) -> None:
    result = _pytest(sample, "--collect-only", "-m", "postgres")
    assert sorted(line for line in result.stdout.splitlines() if "::" in line) == [
        "test_sample.py::test_engine[postgresql]",
        "test_sample.py::test_schema",
    ]


def test_lanes_undeclared_processes_fail_and_are_named(sample: Path) -> None:
    result = _pytest(sample, "-m", "not postgres", "-rE")
    assert result.returncode == 1
    # the undeclared tests' own bodies pass; the check fails them at teardown
    assert result.stdout.splitlines()[-1].startswith("5 passed, 2 deselected, 2 errors in ")
    assert "ERROR at teardown of test_undeclared_process" in result.stdout
    assert (
        f"this test started a process (subprocess.Popen {sys.executable}) but is not marked "
        "@pytest.mark.subprocess" in result.stdout
    )
    assert "ERROR at teardown of test_undeclared_pool" in result.stdout
    assert "this test started a process (multiprocessing pool-worker)" in result.stdout
