"""The role matrix covers every command; every command × role is allowed or denied as listed."""

from __future__ import annotations

import click
import pytest

from pipeline.cli.main import cli, main
from pipeline.core import roles
from pipeline.core.settings import ROLES

from helpers import operators

PATHS = roles.all_command_paths(cli)
# What the brief and PRIVACY.md fix; the rest of the matrix follows from these families.
EXPECTED = {
    ("demo", "analyst"): True, ("demo", "outreach"): True, ("status", "researcher"): True,
    ("version", "outreach"): True, ("config show", "outreach"): True,
    ("crawl", "analyst"): True, ("crawl", "outreach"): False, ("db upgrade", "researcher"): False,
    ("analyse", "researcher"): False, ("targets", "outreach"): True,
    ("targets", "analyst"): True, ("targets", "researcher"): False,
    ("targets show", "analyst"): False, ("targets reveal", "outreach"): True,
    ("targets reveal", "admin"): False, ("targets reveal", "analyst"): False,
    ("contact log", "outreach"): True, ("contact log", "admin"): False,
    ("suppress target", "outreach"): True, ("suppress lift", "outreach"): False,
    ("suppress lift", "admin"): True, ("rules eval", "analyst"): True,
    ("rules diff", "outreach"): False,
    # the outreach team lead: hands claims over, sees the team's follow-ups, reveals nothing
    ("targets", "lead"): True, ("targets show", "lead"): True,
    ("targets reassign", "lead"): True, ("targets reassign", "outreach"): False,
    ("targets claim", "lead"): False, ("targets reveal", "lead"): False,
    ("contact log", "lead"): False, ("contact follow-ups", "lead"): True,
    ("contact follow-ups", "outreach"): True, ("follow-ups team", "lead"): True,
    ("follow-ups team", "outreach"): False, ("follow-ups", "lead"): True,
    ("users", "lead"): False, ("audit", "lead"): False, ("suppress lift", "lead"): False,
    # clinics: the lead plans visits from the list; a clinic's address and the visit log are
    # outreach's alone (PRIVACY: an address can be a home)
    ("clinics", "lead"): True, ("clinics show", "lead"): False, ("clinics visit", "lead"): False,
    ("clinics show", "analyst"): False, ("clinics show", "outreach"): True,
    ("clinics", "researcher"): False,
}  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_roles_every_command_has_an_entry(path: str) -> None:
    assert roles.allowed_roles(path) is not None, (
        f"add 'scout {path}' to pipeline.core.roles.MATRIX"
    )


@pytest.mark.parametrize(("path", "role"), sorted(EXPECTED))
def test_roles_decided_cases(path: str, role: str) -> None:
    assert roles.is_allowed(path, role) is EXPECTED[(path, role)]


def _leaf_paths() -> list[str]:
    return [p for p in PATHS if not any(other.startswith(p + " ") for other in PATHS)]


def _command(path: str) -> click.Command:
    command: click.Command = cli
    for word in path.split():
        assert isinstance(command, click.Group)
        command = command.commands[word]
    return command


def _refusal(path: str, role: str) -> str:
    """The one line a refused command prints. The first gate (top-level command) names the
    family when the role may run nothing in it; else the second names the exact subcommand."""
    family = path.split()[0]
    family_roles = roles.family_roles(family) or frozenset()
    named, needed = (
        (path, roles.allowed_roles(path)) if role in family_roles else (family, family_roles)
    )
    wanted = " or ".join(sorted(needed or {"admin"}))
    return f"error: 'scout {named}' needs the role {wanted}; tester has the role {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", _leaf_paths())
def test_roles_every_command_times_role_through_the_cli(
    path: str, role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Allowed: the command itself runs (here a stand-in, so no real work is done). Denied: it
    stops before running (exit 3, one line naming the role)."""
    ran: list[str] = []
    leaf = _command(path)
    monkeypatch.setattr(leaf, "params", [])
    monkeypatch.setattr(leaf, "callback", lambda: ran.append(path))
    operators.as_os_user(monkeypatch, "tester")
    operators.set_operator(monkeypatch, default_role=role)
    code = main(path.split())
    err = capsys.readouterr().err.strip()
    if roles.is_allowed(path, role):
        assert (code, ran, err) == (0, [path], "")
    else:
        assert (code, ran, err) == (3, [], _refusal(path, role))


@pytest.mark.parametrize(
    ("args", "role", "named"),
    [
        (
            ["targets", "--region", "reveal", "reveal", "C1", "--reason", "r"],
            "analyst",
            "'scout targets reveal'",
        ),
        (["suppress", "lift", "abcdef12", "--reason", "r"], "outreach", "'scout suppress lift'"),
        (["suppress", "C12"], "analyst", "'scout suppress'"),
        (["targets", "show", "C1"], "analyst", "'scout targets show'"),
        # "--help" as an option's value asks for no help page: still refused
        (["targets", "reveal", "C1", "--reason", "--help"], "analyst", "'scout targets reveal'"),
    ],
)
def test_roles_nested_paths_are_checked_exactly(
    args: list[str],
    role: str,
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    operators.set_operator(monkeypatch, default_role=role)
    assert main(args) == 3
    assert f"{named} needs the role" in capsys.readouterr().err


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PATHS)
def test_roles_every_role_reads_every_help_page(
    path: str, role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role=role)
    assert main([*path.split(), "--help"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Usage: scout {path} ") and err == ""


def test_roles_help_does_not_open_a_refused_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="outreach")
    assert not roles.is_allowed("db upgrade", "outreach")
    assert main(["db", "upgrade", "-h"]) == 0
    assert capsys.readouterr().out.startswith("Usage: scout db upgrade ")
    assert main(["db", "upgrade"]) == 3
    assert "'scout db' needs the role" in capsys.readouterr().err


def test_roles_unknown_command_is_admin_only() -> None:
    assert roles.allowed_roles("teleport") is None
    assert not roles.is_allowed("teleport", "analyst") and roles.is_allowed("teleport", "admin")


def test_roles_help_of_allowed_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="outreach")
    assert main(["targets", "reveal", "--help"]) == 0
    assert "--reason" in capsys.readouterr().out
    operators.set_operator(monkeypatch, default_role="researcher")
    assert main(["--help"]) == 0 and main(["version"]) == 0


def test_roles_per_actor_from_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, actor="kim", roles={"kim": "researcher"})
    assert main(["crawl", "--all"]) == 3
    assert "kim has the role researcher" in capsys.readouterr().err
