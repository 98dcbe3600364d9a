"""Shared fixtures: isolated settings, and every database test on SQLite and PostgreSQL.

PostgreSQL cases run against SCOUT_TEST_POSTGRES_URL (default: the local server,
database `test`), each in a schema of its own. If the server is unreachable they
skip with the reason — unless SCOUT_REQUIRE_POSTGRES=1 (set by .ci/run), which
turns the skip into a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from demo.world import World, build_world
from pipeline.core import clock
from pipeline.core.db import Database, open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import Settings, load_settings

POSTGRES_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("SCOUT_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# Marks each test with its lanes (postgres, subprocess, scheduler, slow) for `make test-fast`;
# under pytest-xdist (`make test`), starts the long tests first.
pytest_plugins = ["helpers.lanes", "helpers.parallel"]


@pytest.fixture(autouse=True)
def _wall_clock_after() -> Iterator[None]:
    """Tests that run on a simulated clock leave the wall clock behind them."""
    yield
    clock.set_now(None)


@pytest.fixture(scope="session")
def demo_world() -> World:
    """The demo world (seed 7, 14 days) that `make demo` serves; built once, never changed."""
    return build_world(seed=7, days=14)


@pytest.fixture(scope="session")
def demo_truth(demo_world: World) -> dict:
    """The demo world's ground truth as JSON-like data."""
    return demo_world.ground_truth()


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own scout.toml, key or database."""
    for name in list(os.environ):
        if name.startswith("SCOUT_") and name not in {
            "SCOUT_TEST_POSTGRES_URL",
            "SCOUT_REQUIRE_POSTGRES",
            "SCOUT_TEST_REDIS_URL",
            "SCOUT_REQUIRE_REDIS",
            "SCOUT_PEER_TESTDATA",
            "SCOUT_TEST_INSTALLED",
        }:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCOUT_DATA_DIR", str(tmp_path / "data"))
    # nor the machine's operator file: without SCOUT_OPERATORS_FILE everyone has the default role
    monkeypatch.setattr(
        "pipeline.core.operators.DEFAULT_OPERATOR_FILE", tmp_path / "no-operators.toml"
    )


def _postgres_libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL server; dropped afterwards."""
    name = f"scout_t_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(
            _postgres_libpq_url(POSTGRES_URL), autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL unreachable at {POSTGRES_URL}: {str(exc).strip()[:200]}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason} (SCOUT_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    with admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


def database_url_for(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'scout.db'}"
    schema = request.getfixturevalue("postgres_schema")
    url = make_url(POSTGRES_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of an empty database, once per engine; also exported as SCOUT_DATABASE_URL."""
    url = database_url_for(request.param, request, tmp_path)
    monkeypatch.setenv("SCOUT_DATABASE_URL", url)
    return url


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings()


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A migrated, empty database on each engine."""
    db = open_database(settings, require_schema=False)
    upgrade(db.engine, settings)
    yield db
    db.dispose()
