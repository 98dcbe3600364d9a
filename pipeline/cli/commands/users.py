"""`scout users …`: web accounts — add (prints an enrolment link), list, disable, reset."""

from __future__ import annotations

import click
from rich.table import Table

from pipeline.core import clock
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.core.settings import ROLES
from pipeline.operations.accounts import users as accounts


@click.group()
def users() -> None:
    """Web accounts: each person signs in with a password and a TOTP app."""


def _print_link(app: App, token: str) -> None:
    hours = app.settings.web_enrolment_hours
    click.echo(f"enrolment link (works once, for {hours} h; give it to the person only):")
    click.echo(accounts.enrolment_link(app.settings, token))


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the person may do.")
@click.option("--display-name", help="Name shown in the app (default: NAME).")
@click.option(
    "--language",
    type=click.Choice(accounts.LANGUAGES),
    default="da",
    show_default=True,
    help="Language of the app for this person (they can change it).",
)
@click.pass_obj
def add(app: App, name: str, role: str, display_name: str | None, language: str) -> None:
    """Add an account NAME and print its one-time enrolment link."""
    with app.database().session() as session:
        _, token = accounts.add_user(
            session, app.settings, name, role, clock.now(), display_name, language
        )
    click.echo(f"added {name} ({role})")
    _print_link(app, token)


@users.command("list")
@click.pass_obj
def list_command(app: App) -> None:
    """List accounts: role, language, whether enrolled and active."""
    table = Table(title="Web accounts")
    for column in ("name", "display name", "role", "language", "state", "enrolled"):
        table.add_column(column)
    with app.database().session() as session:
        for user in accounts.list_users(session):
            state = "active" if user.active else "disabled"
            enrolled = f"{user.enrolled_at:%Y-%m-%d}" if user.enrolled_at else "not yet"
            table.add_row(user.name, user.display_name, user.role, user.language, state, enrolled)
    console().print(table)


@users.command("disable")
@click.argument("name")
@click.pass_obj
def disable(app: App, name: str) -> None:
    """Disable account NAME and end its sessions (reset enables it again)."""
    with app.database().session() as session:
        ended = accounts.disable_user(session, app.settings, name)
    click.echo(f"disabled {name}; ended {ended} session(s)")


@users.command("reset")
@click.argument("name")
@click.pass_obj
def reset(app: App, name: str) -> None:
    """Void NAME's password, TOTP and recovery codes, end its sessions; print a new link."""
    with app.database().session() as session:
        token = accounts.reset_user(session, app.settings, name, clock.now())
    click.echo(f"reset {name}: the old password, TOTP app and recovery codes no longer work")
    _print_link(app, token)


@users.command("end-sessions")
@click.argument("name")
@click.pass_obj
def end_sessions(app: App, name: str) -> None:
    """Sign NAME out everywhere (e.g. a lost phone)."""
    with app.database().session() as session:
        ended = accounts.end_sessions(session, app.settings, name)
    click.echo(f"ended {ended} session(s) of {name}")
