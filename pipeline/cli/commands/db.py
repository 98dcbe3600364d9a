"""`scout db …`: create, migrate and inspect the database schema."""

from __future__ import annotations

import click

from pipeline.core import migrations
from pipeline.core.app import App
from pipeline.core.errors import DatabaseError


@click.group()
def db() -> None:
    """Create and migrate the database schema."""


@db.command()
@click.argument("revision", default="head")
@click.pass_obj
def upgrade(app: App, revision: str) -> None:
    """Migrate the database up to REVISION (default: head), creating it if needed."""
    database = app.database(require_schema=False)
    migrations.upgrade(database.engine, app.settings, revision)
    current = migrations.current_revision(database.engine)
    click.echo(f"database {app.settings.redacted_database_url} is at schema {current}")


@db.command()
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (downgrades drop data).")
@click.pass_obj
def downgrade(app: App, revision: str, yes: bool) -> None:
    """Migrate the database down to REVISION (e.g. -1, or base to remove everything)."""
    database = app.database(require_schema=False)
    if not yes:
        click.confirm(
            f"Downgrading {app.settings.redacted_database_url} to {revision} drops data. Go on?",
            abort=True,
        )
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
