"""Fixtures of the web tests: the app on each engine's database and a browser-like client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import ModuleType

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.web.main import create_app


@pytest.fixture(scope="session")
def web(test_helper: Callable[[str], ModuleType]) -> ModuleType:
    return test_helper("pipeline/web/web_helpers.py")


@pytest.fixture
def now() -> datetime:
    """The tests run on a simulated clock (TOTP steps, idle timeouts)."""
    moment = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    clock.set_now(moment)
    return moment


@pytest.fixture
def app(database: Database, settings: Settings, now: datetime) -> FastAPI:
    return create_app(settings, database)


@pytest.fixture
def client(app: FastAPI, web: ModuleType) -> Iterator[TestClient]:
    with web.client_for(app) as test_client:
        yield test_client
