"""A broken rule file ends every command that reads rules in one `error:` line naming the file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

import nlp.rules
from nlp.rules import RULES_DIR
from pipeline.cli.main import main
from pipeline.core.db import Database

from helpers import operators


def _replace(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# Kinds of breakage: each breaks one file of a copied rule folder and returns that file.
BREAK: dict[str, Callable[[Path], Path]] = {
    "yaml syntax": lambda folder: _replace(folder / "voice.yaml", "weight:", "weight: [0.3"),
    "unknown field": lambda folder: _replace(folder / "voice.yaml", "weight:", "wieght:"),
    "unsafe regex": lambda folder: _replace(folder / "youth.yaml", '"สาวน้อย|วัยรุ่น"', '"(?:สาว+)+"'),
    "linking file": lambda folder: _replace(
        folder / "linking" / "linking.yaml", "target_threshold: 1.5", "target_threshold: high"
    ),
}


def _export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    operators.set_operator(monkeypatch, default_role="researcher")
    expires = (date.today() + timedelta(days=30)).isoformat()
    return ["export", "--recipient", "Test University", "--basis", "research agreement",
            "--expires", expires, "--out", str(tmp_path / "export")]  # fmt: skip


def _labels(tmp_path: Path) -> Path:
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"advert": "A1", "label": true}\n', encoding="utf-8")
    return labels


# Command → its arguments, given the broken folder. `link` and `export` take no --rules: they
# read the live folder, which the test points at the broken copy.
COMMANDS: dict[str, Callable[[Path, Path, pytest.MonkeyPatch], list[str]]] = {
    "analyse": lambda rules, tmp, mp: ["analyse", "--rules", str(rules), "--quiet"],
    "link": lambda rules, tmp, mp: ["link", "--quiet"],
    "export": lambda rules, tmp, mp: _export(tmp, mp),
    "rules eval": lambda rules, tmp, mp: ["rules", "eval", "--labels", str(_labels(tmp)),
                                          "--rules", str(rules)],
    "rules diff": lambda rules, tmp, mp: ["rules", "diff", str(RULES_DIR), str(rules)],
}  # fmt: skip
LIVE_FOLDER = {"link", "export"}
# `analyse` and `export` never read the linking file, so a broken one cannot stop them.
READS_LINKING = {"link", "rules eval", "rules diff"}
CASES = [
    (command, kind)
    for command in COMMANDS
    for kind in BREAK
    if kind != "linking file" or command in READS_LINKING
]


@pytest.mark.parametrize(("command", "kind"), CASES)
def test_cli_broken_rule_file_ends_in_one_error_line(
    command: str,
    kind: str,
    database: Database,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if command == "rules eval":
        request.getfixturevalue("outreach_db")  # labels must name a stored advert
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    broken = BREAK[kind](rules)
    if command in LIVE_FOLDER:
        monkeypatch.setattr(nlp.rules, "RULES_DIR", rules)
    code = main(COMMANDS[command](rules, tmp_path, monkeypatch))
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {broken}: "), err
