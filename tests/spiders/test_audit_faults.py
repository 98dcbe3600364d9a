"""Audit 2026-12-02, faults: what the parent says when a crawl process ends badly (F4)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipeline.stages.crawling import run_crawl_process
from spiders.protocol import RESULT_PREFIX

STORE_FAILED = (
    "storing adverts failed: server closed the connection unexpectedly — 58 adverts stored, "
    "15 not stored; run the crawl again"
)


@pytest.mark.subprocess  # a stand-in crawl process
def test_f4_database_lost_mid_crawl_is_one_line_with_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in crawl process answering exactly as spiders.run does when PostgreSQL goes
    # away mid-crawl (StorePipeline stops the crawl, the run row cannot be closed).
    result = {
        "status": "failed",
        "warnings": [STORE_FAILED, "could not record the run: connection refused"],
        "run_id": 3,
    }
    fake = tmp_path / "fake_crawl.py"
    fake.write_text(f"import sys\nprint({RESULT_PREFIX + json.dumps(result)!r})\nsys.exit(1)\n")
    launcher = tmp_path / "python"  # run_crawl_process starts `sys.executable -m spiders.run`
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {fake}\n")
    launcher.chmod(0o700)
    monkeypatch.setattr(sys, "executable", str(launcher))
    outcome = run_crawl_process("hostile", tmp_path / "logs")
    assert outcome.status == "failed" and outcome.returncode == 1
    assert outcome.error == f"{STORE_FAILED}; log: {outcome.log_path}"
    assert outcome.warnings == ["could not record the run: connection refused"]
