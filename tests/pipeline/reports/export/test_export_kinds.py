"""Issue 16: the export gains the job kind; the escort export stays byte for byte the same."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.db import Database
from pipeline.core.settings import load_settings
from pipeline.reports.export import run_export

from helpers import operators
from helpers.export_snapshot import GOLDEN, snapshot

EXPIRES = date.today() + timedelta(days=365)


@pytest.fixture
def researcher(monkeypatch: pytest.MonkeyPatch) -> None:
    operators.set_operator(monkeypatch, default_role="researcher", export_k=5)


def test_escort_export_is_unchanged(
    demo_world_db: Database, demo_truth: dict[str, Any], tmp_path: Path, researcher: None
) -> None:
    out = tmp_path / "escort"
    run_export(demo_world_db, load_settings(), "Uni A", "Research", EXPIRES, out)
    found = snapshot(demo_world_db, out, "Uni A")
    golden = json.loads(GOLDEN.read_text())
    assert len(golden["adverts.csv"]) > 10  # the snapshot is not empty
    assert found == golden
