"""Issue 16: nothing about escort adverts changes when Scout reads more than one kind.

The golden file was written from main's code before kinds had rules of their own
(`tests/helpers/escort_snapshot.py`; rewritten from ab6eaa3, main just before the job kind
was merged, after the demo world gained new contact-point styles); the escort chain on the
demo world must still give the same indicator hits, clusters, scores and targets.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.core.db import Database

from helpers.escort_snapshot import GOLDEN, escort_snapshot


def test_escort_chain_gives_the_golden_results(
    database: Database, demo_truth: dict[str, Any]
) -> None:
    golden = json.loads(GOLDEN.read_text())
    found = json.loads(json.dumps(escort_snapshot(database, demo_truth)))
    assert found["hits"] == golden["hits"]
    assert found["clusters"] == golden["clusters"]
    assert found["targets"] == golden["targets"]
    assert len(golden["targets"]) >= 5  # the snapshot is not empty
