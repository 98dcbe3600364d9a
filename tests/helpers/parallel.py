"""The order of the tests under pytest-xdist (a pytest plugin): the long ones first.

`make test` runs `-n 2 --dist worksteal`: the collected tests are split between the two
workers, and a worker that runs out takes queued tests from the other. A test that has already
started cannot be taken, so a minutes-long test that starts near the end keeps one worker busy
while the other waits. Started first, the long tests (marked slow, subprocess or browser, most
of them by tests/helpers/lanes.py) are spread over both workers and the short ones fill the
gaps. A run in one process keeps the collected order.
"""

from __future__ import annotations

import pytest

LONG = ("slow", "browser", "subprocess")


def is_long(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(mark) for mark in LONG)


@pytest.hookimpl(trylast=True)  # after the lanes plugin has marked the tests
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: each sorts the same collection alike
        items.sort(key=lambda item: not is_long(item))
