"""`scout config show`: the effective configuration, secrets and passwords redacted."""

from __future__ import annotations

import json

import click
from rich.table import Table

from pipeline.core.app import App
from pipeline.core.console import console


@click.group()
def config() -> None:
    """Inspect Scout's configuration."""


@config.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def show(app: App, as_json: bool) -> None:
    """Print the effective configuration (secret key and database password hidden)."""
    values = app.settings.redacted()
    if as_json:
        click.echo(json.dumps(values, indent=2, ensure_ascii=False))
        return
    table = Table(title="Scout configuration", show_header=True, header_style="bold")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for key, value in values.items():
        table.add_row(key, str(value))
    console().print(table, markup=False)
