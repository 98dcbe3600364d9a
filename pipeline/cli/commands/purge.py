"""`scout purge`: delete what is past its retention period; `--dry-run` shows what would go."""

from __future__ import annotations

import click
from rich.table import Table

from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.operations import stages
from pipeline.operations.retention import PurgeReport


def print_purge(report: PurgeReport) -> None:
    verb = "would delete" if report.dry_run else "deleted"
    table = Table(title=f"Purge ({verb}; adverts gone before {report.cutoff:%Y-%m-%d %H:%M} UTC)")
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("adverts (with versions, links, hits)", report.adverts),
        ("contact points linked to nothing", report.contact_points),
        ("clusters left empty", report.clusters),
        ("crawl log files", report.log_files),
        ("expired exports", report.exports),
    ):
        table.add_row(label, str(value))
    console().print(table)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.pass_obj
def purge_command(context: Context, dry_run: bool) -> None:
    """Delete adverts gone longer than retention_days, orphans, old logs, expired exports."""
    print_purge(run_stage(stages.purge, context, dry_run=dry_run))
