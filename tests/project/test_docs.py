"""Docs that cannot go stale: every setting and every CLI command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from pipeline.cli.main import cli
from pipeline.core.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _doc(name: str) -> str:
    path = REPO / "docs" / name
    if not path.is_file():
        pytest.skip(f"{path} not present (running outside a checkout)")
    return path.read_text()


def _command_paths(group: click.Group, prefix: str = "scout") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_docs_every_setting_documented(field: str) -> None:
    assert f"`{field}`" in _doc("configuration.md")


@pytest.mark.parametrize("path", _command_paths(cli))
def test_docs_every_command_documented(path: str) -> None:
    assert re.search(rf"`{re.escape(path)}[` ]", _doc("cli.md")), path


def test_docs_readme_shows_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
