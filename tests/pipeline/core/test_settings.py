"""Settings: defaults, SCOUT_* variables over scout.toml, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.errors import ConfigError
from pipeline.core.settings import load_settings

from helpers import operators


def test_settings_defaults_are_sensible(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.timezone == "Europe/Copenhagen"
    assert settings.retention_days == 180
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'data' / 'scout.db'}"
    assert settings.effective_secret_key_file == tmp_path / "data" / "secret.key"
    assert "Scout" in settings.user_agent


def test_settings_environment_overrides_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scout.toml").write_text('retention_days = 30\ntimezone = "UTC"\n')
    monkeypatch.setenv("SCOUT_RETENTION_DAYS", "90")
    operators.set_operator(monkeypatch, actor="alice", roles={"alice": "outreach"})
    settings = load_settings()
    assert settings.retention_days == 90
    assert settings.timezone == "UTC"
    assert settings.role == "outreach"


def test_settings_postgres_url_uses_psycopg3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_DATABASE_URL", "postgresql://u:secret@db.invalid/scout")
    settings = load_settings()
    assert settings.effective_database_url.startswith("postgresql+psycopg://")
    assert "secret" not in settings.redacted_database_url


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("retention_days = 'forever'\n", "retention_days"),
        ("timezone = 'Mars/Olympus'\n", "unknown time zone"),
        ("colour = 'blue'\n", "colour"),
        ("retention_days = [\n", "malformed"),
        ("database_url = 'not a url'\n", "database_url"),
    ],
)
def test_settings_malformed_config_is_one_clear_line(
    tmp_path: Path, content: str, fragment: str
) -> None:
    (tmp_path / "scout.toml").write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_settings_unknown_role_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    operators.set_operator(monkeypatch, roles={"bob": "superuser"})
    with pytest.raises(ConfigError, match="roles"):
        load_settings()
