"""Test lanes (a pytest plugin): mark each test by what it needs, so `make test-fast` can leave
out what is slow, and fail a test that starts a process without saying so.

Marks follow from what a test uses, so a new test lands in the right lane by default:
  postgres    it runs on PostgreSQL (the `db_url` engine, or the `postgres_schema` fixture)
  scheduler   it lives in tests/pipeline/operations itself (the scheduler, its jobs, the
              stage API), not in a subfolder such as accounts/
  subprocess  it uses a fixture that starts a process (`crawl`), or says so itself
  slow        it uses a fixture that takes seconds to build (`demo_world_db`), or says so itself
A test that starts a process (subprocess, os.fork, os.posix_spawn, a multiprocessing pool...)
but is marked neither `subprocess` nor `browser` fails, naming the process: an audit hook sees
the starts the interpreter audits, and multiprocessing's spawn and forkserver starts (which it
does not audit) are seen where every multiprocessing process starts.
"""

from __future__ import annotations

import multiprocessing.process
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
SCHEDULER_TESTS = TESTS / "pipeline" / "operations"
FIXTURE_MARKS = {
    "postgres_schema": "postgres",
    "crawl": "subprocess",
    "demo_world_db": "slow",
    "team_world": "slow",
}
MAY_START_PROCESSES = ("subprocess", "browser")
PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.system"}
)
_started: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in PROCESS_EVENTS:
        _started.append(f"{event} {args[0] if args else ''}".strip())


sys.addaudithook(_audit)  # for the whole run: audit hooks cannot be removed
_start_process = multiprocessing.process.BaseProcess.start


def _start_and_note(process: multiprocessing.process.BaseProcess) -> None:
    _started.append(f"multiprocessing {process.name}")
    _start_process(process)


multiprocessing.process.BaseProcess.start = _start_and_note  # type: ignore[method-assign]


def lane_marks(item: pytest.Item) -> set[str]:
    """The lanes a collected test belongs to by what it uses and where it lives."""
    marks = {mark for name, mark in FIXTURE_MARKS.items() if name in item.fixturenames}
    params = getattr(getattr(item, "callspec", None), "params", {})
    if params.get("db_url") == "postgresql":
        marks.add("postgres")
    if item.path.parent == SCHEDULER_TESTS:
        marks.add("scheduler")
    return marks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in sorted(lane_marks(item)):
            item.add_marker(mark)


@pytest.fixture(autouse=True)
def _processes_are_declared(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that starts a process unless it is marked `subprocess` (or `browser`)."""
    _started.clear()
    yield
    declared = any(request.node.get_closest_marker(mark) for mark in MAY_START_PROCESSES)
    if _started and not declared:
        pytest.fail(
            f"this test started a process ({_started[0]}) but is not marked "
            "@pytest.mark.subprocess, so `make test-fast` would run it"
        )
