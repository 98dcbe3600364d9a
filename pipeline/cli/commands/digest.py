"""`scout digest`: the weekly digest as one HTML file that opens offline."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.core.app import App
from pipeline.reports.digest import write_digest


@click.command()
@click.option(
    "--week",
    metavar="YYYY-Www",
    help="ISO week in the configured time zone, e.g. 2026-W48 (default: the week of "
    "the newest crawl).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write digest-<week>.html into (default: <data_dir>/digests).",
)
@click.pass_obj
def digest(app: App, week: str | None, out: Path | None) -> None:
    """Write the weekly digest: what changed in clusters, adverts, targets and crawls."""
    path = write_digest(app, week, out)
    click.echo(f"digest written to {path}")
