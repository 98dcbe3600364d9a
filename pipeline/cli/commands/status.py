"""`scout status` and `scout version`: where the data is and how much of it there is."""

from __future__ import annotations

import platform

import click
from rich.table import Table

from pipeline import __version__
from pipeline.core import migrations
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.operations.status import record_counts


@click.command()
@click.pass_obj
def status(app: App) -> None:
    """Show the database in use, its schema, and how many records of each kind it holds."""
    database = app.database()
    with database.session() as session:
        counts = record_counts(session)
    table = Table(title="Scout status", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("database", app.settings.redacted_database_url)
    table.add_row("schema", migrations.current_revision(database.engine) or "none")
    for label, count in counts.items():
        table.add_row(label, str(count))
    console().print(table, markup=False)


@click.command()
def version() -> None:
    """Show the versions of Scout, its schema and Python."""
    from pipeline.core.settings import Settings

    head = migrations.head_revision(Settings.model_construct())
    click.echo(f"scout {__version__} (schema {head}, Python {platform.python_version()})")
