"""The CLI: real subcommands, help on every option, and one-line errors (no tracebacks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pipeline.cli.main import cli, main
from pipeline.core.migrations import head_revision
from pipeline.core.settings import load_settings

from helpers import operators


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _all_commands(group: click.Group, prefix: str = "scout") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [(prefix, group)]
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found.extend(_all_commands(command, path))
        else:
            found.append((path, command))
    return found


@pytest.mark.parametrize(("path", "command"), _all_commands(cli))
def test_cli_every_command_and_option_has_help(path: str, command: click.Command) -> None:
    assert command.help, f"{path} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts} has no help text"


def test_cli_db_upgrade_status_current_check(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    code, out, _ = _run(capsys, "db", "upgrade")
    assert code == 0 and f"is at schema {head_revision(load_settings())}" in out
    code, out, _ = _run(capsys, "db", "current")
    assert code == 0 and "up to date" in out
    code, out, _ = _run(capsys, "db", "check")
    assert code == 0 and "no drift" in out
    code, out, _ = _run(capsys, "status")
    assert code == 0 and "adverts (live)" in out
    # audit §4: analysts may not downgrade; an admin only with --i-know after an audit export
    assert _run(capsys, "db", "downgrade", "base", "--yes")[0] == 3
    operators.set_operator(monkeypatch, default_role="admin")
    code, _, err = _run(capsys, "db", "downgrade", "base", "--yes")
    assert code == 1 and "removes the audit log" in err and "--i-know" in err
    assert _run(capsys, "audit", "export", "--out", str(tmp_path / "audit.jsonl"))[0] == 0
    code, out, _ = _run(capsys, "db", "downgrade", "base", "--yes", "--i-know")
    assert code == 0 and "base" in out


def test_cli_status_on_unmigrated_database_says_what_to_run(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "status")
    assert code == 1
    assert err.strip().count("\n") == 0
    assert "run: scout db upgrade" in err


def test_cli_unreachable_database_one_line_password_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCOUT_DATABASE_URL", "postgresql://scout:hunter2@127.0.0.1:1/scout")
    code, _, err = _run(capsys, "status")
    assert code == 1
    assert err.startswith("error: cannot reach database")
    assert "hunter2" not in err and "***" in err
    assert err.strip().count("\n") == 0


def test_cli_malformed_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "scout.toml").write_text("retention_days = -3\n")
    code, _, err = _run(capsys, "config", "show")
    assert code == 1
    assert err.startswith("error: invalid configuration: retention_days")
    assert err.strip().count("\n") == 0


def test_cli_unknown_option_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "db", "upgrade", "--colour")
    assert code == 2
    line = err.strip()
    assert line.startswith("error: No such option") and "--colour" in line
    assert line.endswith("(see 'scout db upgrade --help')") and "\n" not in line


def test_cli_newer_schema_is_clear(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "db", "upgrade")[0] == 0
    from sqlalchemy import create_engine, text

    from pipeline.core.settings import load_settings

    engine = create_engine(load_settings().effective_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    engine.dispose()
    code, _, err = _run(capsys, "status")
    assert code == 1 and "newer than this Scout" in err


def test_cli_config_show_redacts_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "cd" * 32
    monkeypatch.setenv("SCOUT_SECRET_KEY", secret)
    monkeypatch.setenv("SCOUT_DATABASE_URL", "postgresql://scout:hunter2@db.invalid/scout")
    for args in (["config", "show"], ["config", "show", "--json"]):
        code, out, _ = _run(capsys, *args)
        assert code == 0
        assert secret not in out and "hunter2" not in out
        assert "Europe/Copenhagen" in out


@pytest.mark.subprocess
def test_cli_installed_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("scout")
    if not script.exists():
        pytest.skip("scout script not installed in this environment (run make test)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_")}
    env["SCOUT_DATA_DIR"] = str(tmp_path / "d")
    result = subprocess.run(
        [str(script), "version"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("scout 0.1.0")
    result = subprocess.run(
        [str(script), "status"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
