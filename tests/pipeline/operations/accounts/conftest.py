"""The account tests run on a simulated clock: enrolment at 08:00, the tests after it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pipeline.core import clock


@pytest.fixture(autouse=True)
def _morning() -> Iterator[None]:
    clock.set_now(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    yield
