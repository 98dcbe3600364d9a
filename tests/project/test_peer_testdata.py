"""The peer test cases (shared/testdata/peer) must be there in CI: their tests skip without
them on a developer's machine, and a silent skip in CI would hide a missing checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PEER = Path(
    os.environ.get(
        "SCOUT_PEER_TESTDATA",
        Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "peer",
    )
)


def test_peer_testdata_present_in_ci() -> None:
    folders = ["phone", "contact", "numbers", "price"]
    missing = [name for name in folders if not (PEER / name).is_dir()]
    message = f"peer test data missing under {PEER}: {', '.join(missing)}"
    if missing and not os.environ.get("CI"):
        pytest.skip(message)
    assert missing == [], message
