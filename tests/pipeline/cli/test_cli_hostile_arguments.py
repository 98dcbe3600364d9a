"""Every command path of `scout` against a table of hostile arguments (audit 2026-12-02, §2c).

The click command tree is walked, so a new command or option is attacked without anyone
adding it here. Each non-flag parameter of each command gets each hostile value (the other
required parameters get ordinary values), as an admin on a migrated, empty SQLite database.
Whatever happens, the command ends with an exit code, never a traceback, and an error is one
line on stderr. Where a value would be accepted and real work start (a crawl, the demo world,
the web server, the scheduler), that work is replaced by a stand-in that stops with one line.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import click
import pytest

from pipeline.cli.main import cli, main
from pipeline.core import roles
from pipeline.core.errors import ScoutError

from helpers import operators

HOSTILE = {
    "huge": "99999999999999999999999999",
    "huge-negative": "-99999999999999999999",
    "negative": "-1",
    "nan": "nan",
    "inf": "inf",
    "overlong": "x" * 5000,
    "nul": "a\x00b",
    "unicode": "\u202e\u0661\u0662\U0001f600\x1b]0;PWNED\x07",
    "traversal": "../../../etc/passwd",
}

ORDINARY = {
    "target": "C1",
    "reason": "first contact",
    "recipient": "Uni A",
    "basis": "research",
    "expires": "2027-06-01",
    "name": "alice",
    "revision": "head",
    "prefix": "abcdef12",
}


class WorkReached(ScoutError):
    """The arguments were accepted and the command's real work would start here."""


def _leaf_commands() -> list[tuple[str, click.Command]]:
    found = []
    for path in roles.all_command_paths(cli):
        command: Any = cli
        for word in path.split():
            command = command.commands[word]
        if not isinstance(command, click.Group) or command.params:
            found.append((path, command))
    return found


def _cases() -> list[Any]:
    cases = []
    for path, command in _leaf_commands():
        for param in command.params:
            if getattr(param, "is_flag", False) or param.name is None:
                continue
            for label, value in HOSTILE.items():
                cases.append(
                    pytest.param(path, param.name, value, id=f"{path}-{param.name}-{label}")
                )
    return cases


def _ordinary(param: click.Parameter, tmp_path: Path) -> str:
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    if isinstance(param.type, click.Path):
        folder = tmp_path / f"ordinary-{param.name}"
        return str(folder if param.name == "out" else tmp_path)
    return ORDINARY.get(param.name or "", "x")


def _arguments(path: str, target: str, value: str, tmp_path: Path) -> list[str]:
    command = dict(_leaf_commands())[path]
    args = path.split()
    for param in command.params:
        if getattr(param, "is_flag", False):
            args += ["--yes"] if param.name == "yes" else []  # reach the work, not the prompt
            continue
        if param.name == target:
            given = value
        elif param.required:
            given = _ordinary(param, tmp_path)
        else:
            continue
        if isinstance(param, click.Argument):
            args += [given] * (param.nargs if param.nargs > 0 else 1)
        else:
            args += [param.opts[0], given]
    return args


@pytest.fixture(scope="module")
def migrated_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite database and its key, copied into each test's data folder."""
    folder = tmp_path_factory.mktemp("hostile-args") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCOUT_DATA_DIR", str(folder))
        patch.chdir(folder.parent)
        operators.set_operator(patch, default_role="admin")
        assert main(["db", "upgrade"]) == 0
    return folder


def _stop(*args: Any, **kwargs: Any) -> Any:
    raise WorkReached("work would start here (stand-in)")


@pytest.mark.parametrize(("path", "param", "value"), _cases())
def test_c_hostile_arguments_every_command_one_line_never_a_traceback(
    path: str,
    param: str,
    value: str,
    migrated_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(migrated_data, tmp_path / "data")
    operators.set_operator(monkeypatch, default_role="admin")
    for name in ("crawl", "analyse", "link", "demo"):
        monkeypatch.setattr(f"pipeline.cli.commands.{name}.run_stage", _stop)
    monkeypatch.setattr("demo.build_world", _stop)
    monkeypatch.setattr("uvicorn.run", _stop)
    monkeypatch.setattr("pipeline.operations.scheduler_loop.run", _stop)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    args = _arguments(path, param, value, tmp_path)
    code = main(args)  # a traceback would raise here and fail the test
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code != 0:
        assert err.strip() and "\n" not in err.strip(), (args[:4], err)
