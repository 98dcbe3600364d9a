"""`scout report effects`: what the outreach achieved over a period (docs/effects.md)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.core.errors import ScoutError
from pipeline.operations import stages
from pipeline.reports.effects import KINDS


@click.group()
def report() -> None:
    """Reports over a period for the knowledge institution (aggregates only)."""


@report.command("effects")
@click.option("--from", "first", metavar="DATE", help="First day of the period (2026-11-01).")
@click.option("--to", "last", metavar="DATE", required=True, help="Last day of the period.")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Only one kind of outreach (default: every kind Scout has data for).",
)
@click.option(
    "--midway",
    is_flag=True,
    help="Midway status of a funded outreach line: the period from --line-start to --to.",
)
@click.option("--line-start", metavar="DATE", help="Day the outreach line started (--midway).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the report's folder into (default: <data_dir>/effects).",
)
@click.pass_obj
def effects(
    context: Context,
    first: str | None,
    last: str,
    kind: str | None,
    midway: bool,
    line_start: str | None,
    out: Path | None,
) -> None:
    """Write the effects report: the outreach funnel per month and kind, time to first
    contact, language, contacts per worker-day, indicators against outcomes and data quality,
    as one HTML page with charts, CSV files and datapackage.json, with a summary in Danish
    and English. Every count under effects_min_count (5) is hidden. Audit-logged."""
    if midway:
        if line_start is None or first is not None:
            raise ScoutError("--midway takes --line-start DATE (the line's first day), not --from")
        first = line_start
    elif line_start is not None:
        raise ScoutError("--line-start goes with --midway")
    if first is None:
        raise ScoutError("give --from DATE (or --midway --line-start DATE)")
    result = run_stage(
        stages.effects, context, first=first, last=last, kind=kind, out=out, midway=midway
    )
    click.echo(f"effects report written to {result.page}")
    click.echo(f"figures as CSV with datapackage.json in {result.folder}")
