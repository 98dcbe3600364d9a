"""Who may do what on the command line: every row of the audit's §4 access table as a test.

Roles and caps come only from the operator file (owner and mode checked); the actor is the
OS user by uid. The environment (SCOUT_ROLES, SCOUT_DEFAULT_ROLE, SCOUT_ACTOR, LOGNAME,
SCOUT_REVEAL_DAILY_CAP, SCOUT_EXPORT_K/L) and a scout.toml in the working folder cannot
raise a role or a cap. Destructive admin commands are audited before they run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select

from models import AuditEntry
from pipeline.cli.main import main
from pipeline.core import migrations
from pipeline.core.db import Database
from pipeline.core.errors import ConfigError
from pipeline.core.operators import os_user
from pipeline.core.settings import load_settings

from helpers import operators


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _top(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = _run(capsys, "targets", "--format", "json", "--min-score", "0")
    assert code == 0, err
    return str(json.loads(out)[0]["target"])


def _reveals(database: Database) -> list[AuditEntry]:
    with database.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")))


def _one_line_refusal(err: str, *words: str) -> None:
    assert err.startswith("error: ") and "\n" not in err.strip(), err
    assert all(word in err for word in words), err


def test_a4_analyst_default_cannot_reveal(
    outreach_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "targets", "reveal", "C1", "--reason", "first contact")
    assert code == 3 and "needs the role outreach" in err
    assert _reveals(outreach_db) == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCOUT_ROLES", '{"root": "outreach"}'),
        ("SCOUT_DEFAULT_ROLE", "outreach"),
        ("SCOUT_ACTOR", "mallory"),
        ("SCOUT_REVEAL_DAILY_CAP", "500"),
        ("SCOUT_REVEAL_DAILY_CAP", "100000"),
        ("SCOUT_EXPORT_K", "2"),
        ("SCOUT_EXPORT_L", "1"),
    ],
)
def test_a4_environment_cannot_set_roles_caps_or_actor(
    variable: str,
    value: str,
    outreach_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(variable, value)
    code, out, err = _run(capsys, "targets", "reveal", "C1", "--reason", "first contact")
    assert code == 1 and "+" not in out
    _one_line_refusal(err, "cannot be set in the environment", "operator file")
    assert _reveals(outreach_db) == []


def test_a4_scout_toml_in_working_folder_cannot_set_roles_or_caps(
    outreach_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("scout.toml").write_text(
        'default_role = "outreach"\nreveal_daily_cap = 500\nexport_k = 2\nexport_l = 1\n'
    )
    code, out, err = _run(capsys, "targets", "reveal", "C1", "--reason", "first contact")
    assert code == 1 and "+" not in out
    _one_line_refusal(err, "scout.toml", "default_role", "operator file")
    assert _reveals(outreach_db) == []


def test_a4_logname_does_not_impersonate_a_listed_user(
    outreach_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, roles={"alice": "outreach"})
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "alice")
    assert load_settings().effective_actor == os_user() != "alice"
    code, _, err = _run(capsys, "targets", "reveal", "C1", "--reason", "first contact")
    assert code == 3 and f"{os_user()} has the role analyst" in err
    assert _reveals(outreach_db) == []


def test_a4_cap_counted_per_os_user_and_per_actor_caps(
    outreach_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(
        monkeypatch,
        actor="worker1",
        default_role="outreach",
        reveal_daily_cap=1,
        reveal_caps={"worker2": 2},
    )
    target = _top(capsys)
    assert _run(capsys, "targets", "reveal", target, "--reason", "first contact")[0] == 0
    code, _, err = _run(capsys, "targets", "reveal", target, "--reason", "second try")
    assert code == 1 and "worker1 has made 1 of 1" in err
    operators.as_os_user(monkeypatch, "worker2")  # another person: their own count and cap
    assert _run(capsys, "targets", "reveal", target, "--reason", "first contact")[0] == 0
    assert _run(capsys, "targets", "reveal", target, "--reason", "second try")[0] == 0
    code, _, err = _run(capsys, "targets", "reveal", target, "--reason", "third try")
    assert code == 1 and "worker2 has made 2 of 2" in err
    assert [entry.actor for entry in _reveals(outreach_db)] == ["worker1", "worker2", "worker2"]


def test_a4_outreach_cannot_lift_an_opt_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="outreach")
    code, _, err = _run(capsys, "suppress", "lift", "abcdef12", "--reason", "asked")
    assert code == 3 and "'scout suppress lift' needs the role admin" in err


def test_a4_analyst_cannot_downgrade_and_the_audit_log_stays(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "db", "downgrade", "base", "--yes")
    assert code == 3 and "'scout db downgrade' needs the role admin" in err
    assert _run(capsys, "db", "current")[0] == 0


@pytest.mark.parametrize("role", ["outreach", "researcher", "analyst"])
@pytest.mark.parametrize(
    "args",
    [
        ["purge"],
        ["keys", "rotate"],
        ["users", "list"],
        ["db", "downgrade", "-1", "--yes"],
        ["audit", "verify"],
        ["audit", "export", "--out", "x.jsonl"],
    ],
)
def test_a4_destructive_and_audit_commands_are_admin_only(
    args: list[str], role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role=role)
    code, _, err = _run(capsys, *args)
    assert code == 3 and "needs the role admin" in err


def test_a4_researcher_cannot_lower_k_and_l(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="researcher")
    monkeypatch.setenv("SCOUT_EXPORT_K", "2")
    with pytest.raises(ConfigError, match="export_k cannot be set in the environment"):
        load_settings()
    operators.set_operator(monkeypatch, default_role="researcher", export_k=2)
    monkeypatch.delenv("SCOUT_EXPORT_K")
    with pytest.raises(ConfigError, match="export_k"):  # the floor holds in the file too
        load_settings()


@pytest.mark.parametrize(
    ("mode", "owner_is_stranger", "message"),
    [
        (0o666, False, "writable by others (mode 666)"),
        (0o620, False, "writable by others (mode 620)"),
        (0o644, True, "must be owned by root or the service user"),
    ],
)
def test_a4_operator_file_refused_unless_owned_and_closed(
    mode: int,
    owner_is_stranger: bool,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = operators.set_operator(monkeypatch, default_role="admin")
    os.chmod(path, mode)
    (tmp_path / "data").mkdir(mode=0o700)
    if owner_is_stranger:
        os.chown(path, 4242, 4242)
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_settings()
    assert "\n" not in str(caught.value)


def test_a4_named_operator_file_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_OPERATORS_FILE", "/nonexistent/operators.toml")
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings()


def test_a4_unknown_setting_in_operator_file_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    operators.set_operator(monkeypatch, default_role="admin", data_dir="/tmp/elsewhere")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings()


def test_a4_destructive_admin_command_audited_before_it_runs(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    seen: list[list[str]] = []

    def purge_that_fails(*args: object, **kwargs: object) -> None:
        with database.session() as session:  # what was committed before the work started
            seen.append(list(session.scalars(select(AuditEntry.action))))
        raise RuntimeError("the purge broke half-way")

    monkeypatch.setattr("pipeline.cli.commands.purge.run_stage", purge_that_fails)
    with pytest.raises(RuntimeError):
        main(["purge"])
    assert seen == [["command"]]
    with database.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.params == {"command": "purge"} and entry.role == "admin"


def test_c26_db_downgrade_minus_one_as_the_docs_say(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    script = ScriptDirectory.from_config(migrations.alembic_config(database.settings))
    before_head = script.get_revision(migrations.head_revision(database.settings)).down_revision
    code, out, err = _run(capsys, "db", "downgrade", "-1", "--yes")
    assert code == 0 and f"is at schema {before_head}" in out, err
    upgraded = _run(capsys, "db", "upgrade")
    assert upgraded[0] == 0, upgraded
    code, _, err = _run(capsys, "db", "downgrade", "-x", "--yes")
    assert code == 2 and "No such option" in err


def test_a4_downgrade_past_the_audit_log_needs_i_know_and_a_fresh_export(
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    operators.set_operator(monkeypatch, default_role="admin")
    assert _run(capsys, "purge")[0] == 0  # leaves audit entries
    script = ScriptDirectory.from_config(migrations.alembic_config(database.settings))
    before_chain = script.get_revision("0014").down_revision  # the hash chain's migration
    code, _, err = _run(capsys, "db", "downgrade", str(before_chain), "--yes")
    assert code == 1 and "removes the audit log's hash chain" in err
    code, _, err = _run(capsys, "db", "downgrade", "base", "--yes", "--i-know")
    assert code == 1 and "entries since the last export" in err
    code, out, _ = _run(capsys, "audit", "export", "--out", str(tmp_path / "log.jsonl"))
    assert code == 0 and "written to" in out
    exported = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert {entry["action"] for entry in exported} >= {"command", "purge"}
    assert oct((tmp_path / "log.jsonl").stat().st_mode & 0o777) == "0o600"
    code, out, err = _run(capsys, "db", "downgrade", "base", "--yes", "--i-know")
    assert code == 0 and "base" in out, err
