"""Fixtures of the web tests: the app on each engine's database, a browser-like client, and
for the browser tests Debian's headless Chromium and `scout web serve` on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.web.main import create_app
from spiders.settings import CHROMIUM_ARGS

from helpers import web_accounts, web_browser


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


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with the crawler's flags; skips without Playwright or it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(web_browser.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {web_browser.CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=web_browser.CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def serve(database: Database, db_url: str) -> Iterator[Callable[..., str]]:
    """Start `scout web serve` (a subprocess) with extra settings; returns its base URL."""
    started: list[subprocess.Popen[str]] = []

    def start(workers: int = 1, **settings: str) -> str:
        port = web_browser.free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "SCOUT_DATABASE_URL": db_url, "SCOUT_WEB_BASE_URL": url}
        env.update({f"SCOUT_{name.upper()}": value for name, value in settings.items()})
        serve = ["web", "serve", "--port", str(port), "--workers", str(workers)]
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "pipeline.cli.main", *serve],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        started.append(process)
        web_browser.wait_healthy(url, process)
        return url

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
