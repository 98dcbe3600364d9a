"""With a broker configured, Scout refuses SQLite (workers on several machines share one
store), in one line; without one, nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.core.errors import ConfigError
from pipeline.core.settings import load_settings


def test_a_broker_with_sqlite_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_BROKER_URL", "redis://127.0.0.1:6379/14")
    monkeypatch.setenv("SCOUT_DATABASE_URL", f"sqlite:///{tmp_path / 'scout.db'}")
    with pytest.raises(ConfigError, match="workers need PostgreSQL"):
        load_settings().require_store_for_workers()


@pytest.mark.parametrize("command", [["worker"], ["workers"], ["schedule", "run"]])
def test_commands_that_use_the_queue_refuse_sqlite_in_one_line(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCOUT_BROKER_URL", "redis://127.0.0.1:6379/14")
    assert main([*command]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: SCOUT_BROKER_URL is set but the database is SQLite"), err
    assert "\n" not in err


def test_without_a_broker_nothing_needs_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.broker_url is None
    settings.require_store_for_workers()  # SQLite is fine
    assert settings.redacted()["broker_url"].startswith("(none")


def test_workers_needs_a_broker(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workers"]) != 0
    assert "set SCOUT_BROKER_URL" in capsys.readouterr().err
