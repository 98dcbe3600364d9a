"""Fixtures of the export tests."""

from __future__ import annotations

import pytest

from helpers import operators


@pytest.fixture
def researcher(monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo world holds 32 persons (clusters): k = 10 persons per class cannot be met.
    operators.set_operator(monkeypatch, default_role="researcher", export_k=5)
