"""The audit's CLI inputs (§2c, C1–C32) and database cases (§2e, D1–D5), by case id.

Each runs `scout` the way the audit did and checks the outcome it should have now: a clean
one-line error (or the right result), never a traceback. The table holds what the audit ran;
where the audit found a fault, the case says how it is handled now.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.core.db import Database

from helpers import operators

HUGE = "C99999999999999999999999999"

# (case id, role, arguments, exit code, a fragment of the one line on stderr, or of stdout)
CASES = [
    (
        "C1",
        "outreach",
        ["targets", "reveal", "C999999", "--reason", "first contact"],
        1,
        "no target C999999",
    ),
    (
        "C2",
        "outreach",
        ["targets", "reveal", "C1; DROP TABLE adverts;--", "--reason", "first contact"],
        1,
        "not a target id",
    ),
    (
        "C3-reveal",
        "outreach",
        ["targets", "reveal", HUGE, "--reason", "first contact"],
        1,
        "no target",
    ),
    ("C3-show", "outreach", ["targets", "show", HUGE], 1, "no target"),
    (
        "C3-contact",
        "outreach",
        ["contact", "log", "C99999999999999999999", "--outcome", "no-answer"],
        1,
        "no target",
    ),
    ("C3-suppress", "outreach", ["suppress", "target", HUGE], 1, "no target"),
    ("C4", "outreach", ["targets", "show", "C\u0661\u0662"], 1, "no target"),
    ("C5", "outreach", ["targets", "reveal", "C1", "--reason", "     "], 1, "needs a reason"),
    ("C6", "researcher", ["digest", "--out", "/etc/hostname"], 2, "is a file"),
    ("C7-week99", "researcher", ["digest", "--week", "2026-W99"], 1, "has no ISO week 99"),
    ("C7-sql", "researcher", ["digest", "--week", "'; drop table x"], 1, "is not of the form"),
    ("C7-year0", "researcher", ["digest", "--week", "0000-W01"], 1, "has no ISO week 1"),
    (
        "C8",
        "researcher",
        [
            "export",
            "--recipient",
            "Uni A",
            "--basis",
            "research",
            "--expires",
            "2027-06-01",
            "--out",
            "/etc/hostname",
        ],
        2,
        "is a file",
    ),
    (
        "C9",
        "researcher",
        [
            "export",
            "--recipient",
            "Uni A",
            "--basis",
            "research",
            "--expires",
            "2027-06-01",
            "--out",
            "/tmp",
        ],
        1,
        "is not empty",
    ),
    (
        "C11",
        "researcher",
        [
            "export",
            "--recipient",
            "Uni A",
            "--basis",
            "research",
            "--expires",
            "2026-02-30",
            "--out",
            "e",
        ],
        2,
        "does not match the format",
    ),
    (
        "C12",
        "researcher",
        [
            "export",
            "--recipient",
            "Uni A",
            "--basis",
            "research",
            "--expires",
            "2020-01-01",
            "--out",
            "e",
        ],
        1,
        "is not in the future",
    ),
    (
        "C13",
        "researcher",
        [
            "export",
            "--recipient",
            "Uni A",
            "--basis",
            "research",
            "--expires",
            "9999-12-31",
            "--out",
            "e",
        ],
        1,
        "expiry",
    ),
    (
        "C14",
        "researcher",
        [
            "export",
            "--recipient",
            "  ",
            "--basis",
            "research",
            "--expires",
            "2027-06-01",
            "--out",
            "e",
        ],
        1,
        "named recipient",
    ),
    (
        "C15",
        "researcher",
        [
            "export",
            "--recipient",
            "Uni A",
            "--basis",
            "research",
            "--expires",
            "2027-06-01",
            "--out",
            "e",
            "--format",
            "xlsx",
        ],
        2,
        "xlsx",
    ),
    ("C16-negative", "analyst", ["targets", "--active-within", "-5h"], 1, "not a duration"),
    ("C16-unit", "analyst", ["targets", "--active-within", "48x"], 1, "not a duration"),
    (
        "C17",
        "analyst",
        ["targets", "--active-within", "99999999999999d"],
        1,
        "longer than 3650 days",
    ),
    ("C18-nan", "analyst", ["targets", "--min-score", "nan"], 2, "nan is not a number"),
    ("C18-inf", "analyst", ["targets", "--min-score", "inf"], 2, "inf is not a number"),
    ("C19", "analyst", ["targets", "--limit", "0"], 2, "0 is not in the range x>=1"),
    ("C20", "analyst", ["targets", "--region", "'; DROP TABLE adverts;--"], 0, ""),
    ("C21", "outreach", ["contact", "log", "C3", "--outcome", "hacked"], 2, "hacked"),
    (
        "C22",
        "outreach",
        ["contact", "log", "C3", "--outcome", "no-answer", "--language", "x" * 24],
        1,
        "not a language code",
    ),
    (
        "C24-short",
        "admin",
        ["suppress", "lift", "zzzz", "--reason", "mistake"],
        1,
        "at least 8 characters",
    ),
    (
        "C24-empty",
        "admin",
        ["suppress", "lift", "", "--reason", "mistake"],
        1,
        "at least 8 characters",
    ),
    ("C25", "analyst", ["rules", "eval", "--labels", "/nonexistent.json"], 2, "does not exist"),
    ("C27", "analyst", ["frobnicate"], 2, "No such command 'frobnicate'"),
]


def _one_line(err: str) -> str:
    assert "Traceback" not in err and err.startswith("error: "), err
    assert "\n" not in err.strip(), err
    return err


@pytest.mark.parametrize(
    ("role", "args", "code", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_c_cases_clean(
    role: str,
    args: list[str],
    code: int,
    fragment: str,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    operators.set_operator(monkeypatch, default_role=role)
    assert main(args) == code
    out, err = capsys.readouterr()
    if code == 0:
        assert err == "" and fragment in out
    else:
        assert fragment in _one_line(err)


def test_c23_long_note_stored_sealed(
    outreach_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="outreach")
    note = "n" * 100_000
    assert main(["contact", "log", "C1", "--outcome", "no-answer", "--note", note]) == 0
    with outreach_db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT note FROM contact_log").scalar_one()
    assert note.encode() not in bytes(raw)  # sealed at rest


def test_c26_downgrade_minus_one_parses(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    assert main(["db", "downgrade", "-1", "--yes"]) == 0
    assert "is at schema" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        pytest.param("mysql://root@127.0.0.1/x", "supports sqlite and postgresql", id="C28"),
        pytest.param("not a url", "not a database URL", id="C29"),
        pytest.param("postgresql://root:s3cretpw@127.0.0.1:5999/x", "root:***@", id="C30-C31"),
    ],
)
def test_c28_c31_database_urls_one_line(
    url: str, fragment: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCOUT_DATABASE_URL", url)
    assert main(["status"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert fragment in err and "s3cretpw" not in err


@pytest.mark.postgres
def test_c32_missing_postgres_database_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCOUT_DATABASE_URL", "postgresql://root@127.0.0.1:5432/audit_nonexistent")
    assert main(["status"]) == 1
    assert 'database "audit_nonexistent" does not exist' in _one_line(capsys.readouterr().err)


def _truncate(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(size // 2)


def _scribble(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.write(os.urandom(4096))
        handle.seek(db.stat().st_size // 2)
        handle.write(os.urandom(4096))


def _text(db: Path) -> None:
    db.write_text("this is not a database\n" * 100)


def _folder(db: Path) -> None:
    db.unlink()
    db.mkdir()


@pytest.mark.parametrize(
    ("damage", "fragments"),
    [
        pytest.param(_truncate, ("malformed", "not a database"), id="D1"),
        pytest.param(_scribble, ("malformed", "not a database"), id="D2"),
        pytest.param(_text, ("not a database",), id="D3"),
        pytest.param(_folder, ("unable to open database file",), id="D4"),
    ],
)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_d1_d4_f8_damaged_sqlite_file_one_line(
    damage: object,
    fragments: tuple[str, ...],
    database: Database,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database.dispose()
    path = Path(db_url.removeprefix("sqlite:///"))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    damage(path)  # type: ignore[operator]
    for command in (["status"], ["targets"], ["link"]):
        code = main(command)
        err = _one_line(capsys.readouterr().err)
        assert code != 0 and any(fragment in err for fragment in fragments), err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_d5_schema_one_revision_older_one_line(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    assert main(["db", "downgrade", "-1", "--yes"]) == 0
    capsys.readouterr()
    assert main(["targets"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "this Scout needs" in err and "run: scout db upgrade" in err
