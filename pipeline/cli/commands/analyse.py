"""`scout analyse`: the NLP stage over stored adverts, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.operations import stages
from pipeline.stages.analysis import AnalysisSummary


def print_analysis(summary: AnalysisSummary) -> None:
    """The run summary as a table: counts, odd inputs, languages, indicator hits."""
    table = Table(title=f"Analysis (rule set {summary.ruleset_version})", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("advert versions analysed", str(summary.versions))
    table.add_row("language undetermined (und)", str(summary.undetermined_language))
    table.add_row("empty adverts", str(summary.empty))
    table.add_row("adverts without words (emoji, digits only ...)", str(summary.no_words))
    table.add_row("adverts with markup removed", str(summary.markup))
    table.add_row("truncated (very long) adverts", str(summary.truncated))
    for language, count in summary.languages.most_common(8):
        table.add_row(f"language {language}", str(count))
    for rule, count in sorted(summary.hits_by_rule.items()):
        table.add_row(f"indicator {rule}", str(count))
    console().print(table)


@click.command("analyse")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Re-analyse every advert version, e.g. after a rule change.",
)
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Read indicator rules from this folder instead of the bundled nlp/rules/.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_obj
def analyse_command(
    context: Context, everything: bool, rules_dir: Path | None, quiet: bool
) -> None:
    """Find languages, structured fields and indicators in adverts not yet analysed."""
    summary = run_stage(stages.analyse, context, quiet, everything=everything, rules_dir=rules_dir)
    print_analysis(summary)
