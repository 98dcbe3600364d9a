"""The operator file for tests: roles and caps the way an operator sets them on a server.

The CLI takes roles and caps only from the operator file (`pipeline/core/operators.py`) and
the actor only from the OS user; tests write such a file (owned by the test's user, mode 0644)
and, where a test needs two people, pretend to be another OS user.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest


def toml_text(fields: dict[str, Any]) -> str:
    """Plain values first, then one table per dict (roles, reveal_caps)."""
    lines = [
        f"{key} = {json.dumps(value)}"
        for key, value in fields.items()
        if not isinstance(value, dict)
    ]
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines.extend(f"{json.dumps(name)} = {json.dumps(item)}" for name, item in value.items())
    return "\n".join(lines) + "\n"


def write_operator_file(path: Path, mode: int = 0o644, **fields: Any) -> Path:
    path.write_text(toml_text(fields), encoding="utf-8")
    os.chmod(path, mode)
    return path


def set_operator(
    monkeypatch: pytest.MonkeyPatch, *, actor: str | None = None, **fields: Any
) -> Path:
    """Write a fresh operator file with these settings and point SCOUT_OPERATORS_FILE at it.

    `actor` makes the process look like that OS user (as `sudo -u actor` would).
    """
    path = write_operator_file(Path.cwd() / f"operators-{uuid.uuid4().hex[:8]}.toml", **fields)
    monkeypatch.setenv("SCOUT_OPERATORS_FILE", str(path))
    if actor is not None:
        as_os_user(monkeypatch, actor)
    return path


def as_os_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr("pipeline.core.operators.os_user", lambda: name)


def operator_env(directory: Path, **fields: Any) -> dict[str, str]:
    """Environment entries for a subprocess that should run with these roles and caps."""
    path = write_operator_file(directory / f"operators-{uuid.uuid4().hex[:8]}.toml", **fields)
    return {"SCOUT_OPERATORS_FILE": str(path)}
