"""docs/security.md lists every case of the 2026-12-02 audit with a test that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "docs" / "security.md"
AUDIT = ROOT.parent / "shared" / "audits" / "2026-12-02-security-audit.md"
SECTION = "## Audit 2026-12-02: cases and their tests"
ENGINES = ("sqlite", "postgresql")

# The audit's case ids: 98 bad inputs (B, H, C, K, D) and 12 faults (F).
CASE_IDS = (
    {f"B{n}" for n in range(1, 24)}
    | {f"H{n}" for n in range(1, 27) if n != 23}
    | {"H23a", "H23b"}
    | {f"C{n}" for n in range(1, 33)}
    | {f"K{n}" for n in range(1, 10)}
    | {f"D{n}" for n in range(1, 8)}
    | {f"F{n}" for n in range(1, 13)}
)
CASE_ROW = re.compile(r"^\| (?:\*\*)?([BHCKDF]\d+[ab]?)(?:\*\*)? \|", re.MULTILINE)
NODE = re.compile(r"`(tests/[^`:]+\.py)(?:::(\w+)(?:\[([^\]]+)\])?)?`")


def _rows() -> dict[str, str]:
    text = SECURITY.read_text(encoding="utf-8")
    table = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith(("| case", "|---")):
            first = line.split(" | ", 1)[0].removeprefix("| ")
            for case in re.split(r"–|, ", first):
                rows[case.strip()] = line
            if "–" in first:  # a range such as H10–H12
                start, end = first.split("–")
                letter = start[0]
                for number in range(int(start[1:]), int(end[1:]) + 1):
                    rows[f"{letter}{number}"] = line
    return rows


def test_audit_case_ids_match_the_audit_file() -> None:
    if not AUDIT.is_file():  # CI's clean checkout has no ../shared: the list above stands
        return
    found = set(CASE_ROW.findall(AUDIT.read_text(encoding="utf-8")))
    assert found == CASE_IDS


def test_every_audit_case_has_a_row() -> None:
    missing = sorted(CASE_IDS - set(_rows()), key=lambda c: (c[0], int(re.sub(r"\D", "", c))))
    assert missing == []


def test_every_named_test_exists() -> None:
    problems = []
    for case, line in _rows().items():
        nodes = NODE.findall(line)
        if not nodes:
            problems.append(f"{case}: names no test")
        for path, function, params in nodes:
            source = ROOT / path
            if not source.is_file():
                problems.append(f"{case}: no file {path}")
                continue
            text = source.read_text(encoding="utf-8")
            if function and f"def {function}(" not in text:
                problems.append(f"{case}: no test {path}::{function}")
            for part in _param_ids(params):
                if f'"{part}"' not in text and f"'{part}'" not in text:
                    problems.append(f"{case}: no parameter id {part!r} in {path}")
    assert problems == []


def _param_ids(params: str) -> list[str]:
    """A node's parameter ids without the engine (given by the `database` fixtures)."""
    if not params:
        return []
    for engine in ENGINES:
        params = params.removeprefix(f"{engine}-").removesuffix(f"-{engine}")
        if params == engine:
            return []
    return [params]
