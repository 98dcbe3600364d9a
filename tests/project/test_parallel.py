"""`make test` runs the suite in two pytest-xdist workers: what two tests running at once could
share is given to each worker on its own (PostgreSQL schemas and ports already are per test)."""

from __future__ import annotations

import pytest

from helpers import fleet


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
