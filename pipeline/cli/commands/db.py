"""`scout db …`: create, migrate and inspect the database schema."""

from __future__ import annotations

import click

from pipeline.core import migrations
from pipeline.core.app import App
from pipeline.core.errors import DatabaseError
from pipeline.operations import auditlog


@click.group()
def db() -> None:
    """Create and migrate the database schema."""


@db.command()
@click.argument("revision", default="head")
@click.pass_obj
def upgrade(app: App, revision: str) -> None:
    """Migrate the database up to REVISION (default: head), creating it if needed."""
    database = app.database(require_schema=False)
    before = migrations.current_revision(database.engine)
    migrations.upgrade(database.engine, app.settings, revision)
    current = migrations.current_revision(database.engine)
    if current != before:
        auditlog.record_command(
            database, app.settings, "db upgrade", revision=f"{before or 'base'} -> {current}"
        )
    click.echo(f"database {app.settings.redacted_database_url} is at schema {current}")


# "-1" is a revision, not an option (C26): unknown options pass through as the argument
@db.command(context_settings={"ignore_unknown_options": True})
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (downgrades drop data).")
@click.option(
    "--i-know",
    is_flag=True,
    help="Allow a downgrade that removes the audit log or its hash chain "
    "(also needs a `scout audit export` made after the last entry).",
)
@click.pass_obj
def downgrade(app: App, revision: str, yes: bool, i_know: bool) -> None:
    """Migrate the database down to REVISION (e.g. -1, or base to remove everything). Admins."""
    if revision.startswith("-") and not revision[1:].isdigit():
        raise click.UsageError(f"No such option: {revision}")
    database = app.database(require_schema=False)
    auditlog.check_downgrade(database, app.settings, revision, i_know)
    if not yes:
        click.confirm(
            f"Downgrading {app.settings.redacted_database_url} to {revision} drops data. Go on?",
            abort=True,
        )
    auditlog.record_command(database, app.settings, "db downgrade", revision=revision)
    migrations.downgrade(database.engine, app.settings, revision)
    current = migrations.current_revision(database.engine) or "base (empty)"
    click.echo(f"database {app.settings.redacted_database_url} is at schema {current}")


@db.command()
@click.pass_obj
def current(app: App) -> None:
    """Show the database's schema revision and the one this Scout needs."""
    database = app.database(require_schema=False)
    now = migrations.current_revision(database.engine)
    head = migrations.head_revision(app.settings)
    state = "up to date" if now == head else "run: scout db upgrade"
    click.echo(f"database: {app.settings.redacted_database_url}")
    click.echo(f"schema:   {now or 'none'} (code needs {head}; {state})")


@db.command()
@click.pass_obj
def check(app: App) -> None:
    """Fail when the models and the migrations have drifted apart (CI runs this)."""
    database = app.database(require_schema=True)
    found = migrations.drift(database.engine, app.settings)
    if found:
        raise DatabaseError(f"models and migrations differ: {found}")
    click.echo("no drift: the migrations match the models")
    if (stale := migrations.stale_statistics(database.engine)) is not None:
        click.echo(f"warning: {stale}", err=True)
