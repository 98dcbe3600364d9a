"""`scout link`: link adverts into clusters and score them, with a progress bar and a summary."""

from __future__ import annotations

import click
from rich.table import Table

from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.operations import stages
from pipeline.stages.linking.summary import LinkSummary


def print_link_summary(summary: LinkSummary) -> None:
    mode = "full" if summary.full else "incremental"
    table = Table(title=f"Linking ({mode}, rule set {summary.ruleset_version})", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("adverts", str(summary.adverts))
    table.add_row("adverts searched for links", str(summary.searched))
    table.add_row("adverts held to search them (neighbourhood)", str(summary.indexed))
    table.add_row("texts read and signed", str(summary.signed))
    for kind, count in sorted(summary.links_by_kind.items()):
        table.add_row(f"{kind} links", str(count))
    table.add_row("template buckets skipped as stock text", str(summary.boilerplate))
    table.add_row("clusters", str(summary.clusters))
    table.add_row("clusters rewritten this run", str(summary.rewritten))
    table.add_row("active clusters", str(summary.active_clusters))
    table.add_row("contact targets (active, score ≥ threshold)", str(summary.targets))
    for kind, count in sorted(summary.events.items()):
        table.add_row(f"cluster events: {kind}", str(count))
    console().print(table)


@click.command("link")
@click.option(
    "--full",
    is_flag=True,
    help="Search links for every advert again, not only new and changed ones.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_obj
def link_command(context: Context, full: bool, quiet: bool) -> None:
    """Link adverts into clusters (shared contact, template text, images) and score them."""
    print_link_summary(run_stage(stages.link, context, quiet, full=full))
