"""Which role may run which `scout` command: the role matrix as data, checked in one place.

Every command path of the CLI has an entry (a test walks the CLI and fails on a
command without one). A family entry such as ``"db"`` covers every subcommand of
that group unless a longer path has its own entry, so ``"targets reveal"`` can be
stricter than ``"targets"``. A path with no entry at all is refused to everyone but
an admin: a new command is closed until someone decides who may run it. Help pages are
open to every role: `pipeline/cli/help.py` answers `--help` before these gates run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from pipeline.core.errors import PermissionDenied
from pipeline.core.settings import ROLES, Settings

ANY = frozenset(ROLES)
# An outreach team lead sees what the team works on, never a contact value (PRIVACY rule 7).
TEAM = frozenset({"outreach", "lead"})
ANALYSTS = frozenset({"analyst", "admin"})
RESEARCHERS = frozenset({"researcher", "admin"})

# Command path (words after `scout`) → roles allowed to run it.
MATRIX: dict[str, frozenset[str]] = {
    "version": ANY,
    "status": ANY,
    "config": ANY,
    # `make demo` runs as the OS user with the default role; the demo is synthetic data only.
    "demo": ANY,
    "db": ANALYSTS,
    # A downgrade drops tables (the audit log's too): schema removal is an admin's audited act.
    "db downgrade": frozenset({"admin"}),
    "sites": ANALYSTS,
    "crawl": ANALYSTS,
    "analyse": ANALYSTS,
    "link": ANALYSTS,
    "rules": ANALYSTS,
    "evaluate": ANALYSTS,
    "schedule": ANALYSTS,
    # Queue workers run the scheduler's jobs; the list shows site names and counts only.
    "worker": ANALYSTS,
    "workers": ANALYSTS,
    # Retention purges run nightly from the scheduler (not through the CLI); by hand it removes
    # data: admins, audited before it runs.
    "purge": frozenset({"admin"}),
    "digest": RESEARCHERS,
    # The effects report is aggregates only (small cells hidden): the people who study and
    # document the work (`scout report effects`; the web's Effects page reads and writes them).
    "report": frozenset({"researcher", "analyst", "admin"}),
    "export": RESEARCHERS,
    # The list shows pseudonyms, reasons and languages only; analysts tune rules against it.
    "targets": frozenset({*TEAM, "analyst", "admin"}),
    # Evidence shows advert excerpts (contacts masked): the people who contact, their lead,
    # and admins.
    "targets show": frozenset({*TEAM, "admin"}),
    # PRIVACY rule 7: a contact point is shown only to the outreach role, one target at a time.
    "targets reveal": frozenset({"outreach"}),
    # The forced-labour screening list (recruiters in job adverts; the web's Job adverts page):
    # as the target list.
    "jobs": frozenset({*TEAM, "analyst", "admin"}),
    # A claim says "I am contacting this one": the people who contact. Handing a claim to
    # someone else overrides a colleague: the team's lead, and admins (audited, with a reason).
    "targets claim": frozenset({"outreach"}),
    "targets reassign": frozenset({"lead", "admin"}),
    "contact": frozenset({"outreach"}),
    # Clinics of concern: the list shows areas, reasons and languages (analysts tune the rules
    # against it; the team's lead plans the visits); a clinic's address (it can be a home) only
    # to outreach, audited.
    "clinics": frozenset({*TEAM, "analyst", "admin"}),
    "clinics show": frozenset({"outreach"}),
    "clinics link": ANALYSTS,
    "clinics visit": frozenset({"outreach"}),
    # Anonymised outcomes (no actor, no note) are labels for rule evaluation.
    "contact export": frozenset({"outreach", "analyst", "admin"}),
    "suppress": frozenset({"outreach", "admin"}),
    "suppress target": frozenset({"outreach", "admin"}),
    # Lifting an opt-out undoes a person's wish: only an admin, and it is audited.
    "suppress lift": frozenset({"admin"}),
    # The web app: operators start it (`scout web serve`); admins manage accounts and sessions.
    "web": ANALYSTS,
    "users": frozenset({"admin"}),
    # Re-keys every sealed value and pseudonym: a key change is an admin's (audited) act.
    "keys": frozenset({"admin"}),
    # Web-only pages (no CLI command): every signed-in person's own start page and account.
    "home": ANY,
    "account": ANY,
    "sessions": ANY,
    # Follow-ups due: a worker sees their own; the lead sees the whole team's.
    "follow-ups": TEAM,
    "contact follow-ups": TEAM,
    # Everyone's follow-ups, with who logged them: the lead's overview (web and `--team`).
    "follow-ups team": frozenset({"lead"}),
    # Digests are aggregates only: everyone who studies the data reads them (writing one is
    # "digest", as on the command line).
    "digests": frozenset({"researcher", "analyst", "admin"}),
    "effects": frozenset({"researcher", "analyst", "admin"}),
    # Labelling shows one cluster's contact-masked text: the analysts who tune the rules.
    "label": frozenset({"analyst"}),
    # The audit log (web page, `scout audit verify|export`): admins.
    "audit": frozenset({"admin"}),
    # Making an export (same checks as `scout export`) and the list of past ones: admins.
    "exports": frozenset({"admin"}),
}


def allowed_roles(path: str) -> frozenset[str] | None:
    """Roles for a command path by its longest entry in MATRIX; None when nothing covers it."""
    words = path.split()
    for size in range(len(words), 0, -1):
        entry = MATRIX.get(" ".join(words[:size]))
        if entry is not None:
            return entry
    return None


def is_allowed(path: str, role: str) -> bool:
    roles = allowed_roles(path)
    return role in roles if roles is not None else role == "admin"


def require(settings: Settings, path: str) -> None:
    """Raise PermissionDenied (exit 3) naming the role(s) needed when the actor's role lacks it."""
    if is_allowed(path, settings.role):
        return
    needed = sorted(allowed_roles(path) or {"admin"})
    raise PermissionDenied(
        f"'scout {path}' needs the role {' or '.join(needed)}; "
        f"{settings.effective_actor} has the role {settings.role}"
    )


def family_roles(name: str) -> frozenset[str] | None:
    """Roles that may run a top-level command or at least one of its subcommands."""
    found = [roles for path, roles in MATRIX.items() if path == name or path.startswith(name + " ")]
    own = allowed_roles(name)
    if own is not None:
        found.append(own)
    return frozenset().union(*found) if found else None


def check_top_level(settings_of: Callable[[], Settings], name: str) -> None:
    """The first gate, in the `cli` callback: the role may run something in this family.

    Click hands a group callback no remaining arguments, so the exact subcommand is checked
    by the second gate (`guard`) when the nested group runs. Commands open to every role do
    not read the settings at all, so `scout version` works with a broken configuration.
    """
    roles = family_roles(name)
    if roles == ANY:
        return
    settings = settings_of()
    if settings.role not in (roles or {"admin"}):
        raise PermissionDenied(
            f"'scout {name}' needs the role {' or '.join(sorted(roles or {'admin'}))}; "
            f"{settings.effective_actor} has the role {settings.role}"
        )


Before = Callable[[Any, str], None]


def _guarded(callback: Callable[..., Any] | None, before: Before | None) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        words = ctx.command_path.split()[1:]
        path = " ".join([*words, ctx.invoked_subcommand] if ctx.invoked_subcommand else words)
        if allowed_roles(path) != ANY:
            require(ctx.find_root().obj.settings, path)
        group = ctx.command
        leaf = (
            group.commands.get(ctx.invoked_subcommand or "")
            if isinstance(group, click.Group)
            else None
        )
        if before is not None and leaf is not None and not isinstance(leaf, click.Group):
            before(ctx.find_root().obj, path)
        return callback(*args, **kwargs) if callback is not None else None

    if callback is not None:
        functools.update_wrapper(run, callback)
    return run


def guard(group: click.Group, before: Before | None = None) -> None:
    """The second gate: every nested group checks the exact path of the subcommand it runs.

    `before(app, path)` is then called for the leaf command about to run (the CLI audits
    destructive admin commands there, before they start).
    """
    for command in group.commands.values():
        if isinstance(command, click.Group) and not getattr(command, "scout_guarded", False):
            command.callback = _guarded(command.callback, before)
            command.scout_guarded = True  # type: ignore[attr-defined]
            guard(command, before)


def all_command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """Every command path of a CLI group, groups included (a group may run on its own)."""
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(all_command_paths(command, path))
    return paths
