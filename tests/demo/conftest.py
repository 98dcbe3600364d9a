"""Fixtures for the demo-world tests: one world per session, a fresh server per test."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from demo import DemoServer, SimClock, World, build_world

Fetch = Callable[..., tuple[int, dict[str, str], bytes]]
SCOUT_UA = "Scout-test/0.1 (+https://example.org/scout)"


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()


@pytest.fixture(scope="session")
def truth(world: World) -> dict[str, Any]:
    return world.ground_truth()


@pytest.fixture
def server(world: World) -> Iterator[DemoServer]:
    with DemoServer(world, SimClock(world.start)) as srv:
        yield srv


@pytest.fixture
def fetch() -> Fetch:
    """GET/POST a loopback URL; returns (status, headers, body) for errors too."""

    def _fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        assert url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(url, method=method, headers={"User-Agent": SCOUT_UA})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    return _fetch
