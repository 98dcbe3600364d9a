"""`scout demo`: the main job end to end on the bundled demo world (never a real site)."""

from __future__ import annotations

import click

from pipeline import migrations
from pipeline.app import App
from pipeline.commands.status import status


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Create and migrate the database, then run Scout on the synthetic demo sites."""
    app: App = ctx.obj
    database = app.database(require_schema=False)
    migrations.upgrade(database.engine, app.settings)
    click.echo(f"database ready: {app.settings.redacted_database_url}")
    click.echo(f"data folder:    {app.settings.data_dir}")
    ctx.invoke(status)
