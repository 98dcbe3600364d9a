"""Fixtures of the web tests: the app on each engine's database and a browser-like client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.web.main import create_app

from helpers import web_accounts


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
def client(app: FastAPI) -> Iterator[TestClient]:
    with web_accounts.client_for(app) as test_client:
        yield test_client
