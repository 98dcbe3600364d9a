"""The digest and the target list agree on who is over the target threshold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.digest.data import latest_activity
from pipeline.reports.digest.weeks import week_of
from pipeline.stages.linking.config import target_threshold

from helpers import operators

_TILE = re.compile(r'<div class="n">(\d+)</div><div class="d">targets over threshold ([\d.]+)<')


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_outreach_digest_counts_the_targets_scout_targets_lists(
    outreach_db: Database,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The week of the newest sighting: every cluster of this small world is active and was
    # seen in it when over the threshold, and nothing is opted out, so the digest's clusters
    # over the threshold that week are exactly the active targets.
    with outreach_db.session() as session:
        week = week_of(latest_activity(session), settings.tz)
    listed = json.loads(_run(capsys, "targets", "--format", "json"))
    operators.set_operator(monkeypatch, default_role="researcher")
    _run(capsys, "digest", "--week", week.label, "--out", str(tmp_path))
    page = (tmp_path / f"digest-{week.label}.html").read_text(encoding="utf-8")
    tile = _TILE.search(page)
    assert tile is not None
    assert float(tile.group(2)) == target_threshold()
    assert int(tile.group(1)) == len(listed) > 0
