"""`scout export`: an anonymised, k-anonymous dataset for one named research recipient."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.table import Table

from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.operations import stages
from pipeline.reports.export.schema import EXPORT_KINDS
from pipeline.reports.export.writer import format_names


@click.command("export")
@click.option("--recipient", required=True, help="Who receives the export (named in it).")
@click.option("--basis", required=True, help="Legal basis for handing it over (recorded).")
@click.option(
    "--expires",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date (YYYY-MM-DD) by which the recipient must delete it.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="New or empty folder to write the export into.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(format_names()),
    default="csv",
    show_default=True,
    help="Table format.",
)
@click.option(
    "--kind",
    type=click.Choice(EXPORT_KINDS),
    default="escort",
    show_default=True,
    help="Which adverts: escort, or job (industry, region, language, wage band).",
)
@click.pass_obj
def export_command(
    context: Context,
    recipient: str,
    basis: str,
    expires: datetime,
    out: Path,
    fmt: str,
    kind: str,
) -> None:
    """Write an anonymised export (adverts of one kind, clusters, indicator hits) for one
    recipient."""
    result = run_stage(
        stages.export,
        context,
        recipient=recipient,
        basis=basis,
        expires=expires.date(),
        out=out,
        fmt=fmt,
        kind=kind,
    )
    table = Table(title=f"Export for {recipient.strip()}", show_header=True)
    for column in ("table", "rows written", "rows suppressed"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, count in result.counts.items():
        suppressed = sum(result.suppressed.get(name, {}).values())
        table.add_row(name, str(count), str(suppressed))
    console().print(table)
    click.echo(f"export written to {result.path}")
