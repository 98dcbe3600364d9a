"""`scout digest`: the weekly digest as one HTML file that opens offline."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.operations import stages


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
def digest(context: Context, week: str | None, out: Path | None) -> None:
    """Write the weekly digest: what changed in clusters, adverts, targets and crawls."""
    result = run_stage(stages.digest, context, week=week, out=out)
    click.echo(f"digest written to {result.path}")
