"""Fixtures for the demo-world tests: a fresh server per test on the session's `demo_world`."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from demo import DemoServer, SimClock, World

Fetch = Callable[..., tuple[int, dict[str, str], bytes]]
SCOUT_UA = "Scout-test/0.1 (+https://example.org/scout)"


@pytest.fixture
def server(demo_world: World) -> Iterator[DemoServer]:
    with DemoServer(demo_world, SimClock(demo_world.start)) as srv:
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
