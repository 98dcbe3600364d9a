"""Data folder 0700, digests 0600, and an open data folder warned about (audit rule 3)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pipeline.core import private
from pipeline.core.app import Context
from pipeline.core.db import Database
from pipeline.core.settings import load_settings
from pipeline.reports.digest import write_digest


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_rule3_new_data_folder_is_0700(database: Database) -> None:
    assert _mode(database.settings.data_dir) == 0o700


def test_rule3_digest_folder_0700_and_file_0600(database: Database) -> None:
    with Context(load_settings()) as context:
        path = write_digest(context, "2026-W46")  # default folder <data_dir>/digests
    assert path.parent == database.settings.data_dir / "digests"
    assert (_mode(path.parent), _mode(path)) == (0o700, 0o600)


def test_rule3_digest_rewritten_over_an_open_file_becomes_0600(
    database: Database, tmp_path: Path
) -> None:
    old = tmp_path / "out" / "digest-2026-W46.html"
    old.parent.mkdir()
    old.write_text("old")
    old.chmod(0o644)
    with Context(load_settings()) as context:
        assert write_digest(context, "2026-W46", old.parent) == old
    assert _mode(old) == 0o600 and old.read_text() != "old"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_rule3_open_data_folder_warned_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(private, "_warned", set())
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755, exist_ok=True)
    folder.chmod(0o755)
    settings = load_settings()
    for _ in range(2):
        with Context(settings) as context:
            context.database(require_schema=False)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"warning: data folder {folder} is open to others (mode 755); it holds personal data: "
        f"run chmod 700 {folder}"
    ]
