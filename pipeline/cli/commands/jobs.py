"""`scout jobs`: the forced-labour screening list of recruiters in job adverts (issue 16)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.reports.outreach.jobs import screening_list
from pipeline.reports.outreach.sanitize import clean
from pipeline.stages.linking.config import target_threshold


@click.command("jobs")
@click.option("--industry", help="Only recruiters for this industry (e.g. agriculture).")
@click.option("--region", help="Only recruiters with a place of work in this region.")
@click.option("--min-score", type=float, help="Lowest score listed (default: target threshold).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--limit", type=click.IntRange(1), help="Show at most this many recruiters.")
@click.pass_obj
def jobs(
    app: App,
    industry: str | None,
    region: str | None,
    min_score: float | None,
    as_json: bool,
    limit: int | None,
) -> None:
    """List recruiters in job adverts with signs of forced labour: score, reasons,
    industries, places, the workers' languages, last seen — no numbers or names.
    Reveal a contact point with `scout targets reveal C<id>` (audited, as for any target).
    """
    threshold = target_threshold() if min_score is None else min_score
    with app.database().session() as session:
        found = screening_list(session, threshold, industry, region)
    rows = [j.row() for j in (found[:limit] if limit else found)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"Recruiters in job adverts ({len(found)} in all)")
    for column in ("recruiter", "score", "reasons", "industries", "places", "languages",
                   "employers", "last seen"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["recruiter"],
            f"{row['score']:.2f}",
            clean("; ".join(row["reasons"]), 200),
            ", ".join(row["industries"]),
            clean(", ".join(row["places"][:4]), 80),
            ", ".join(row["languages"]),
            str(row["employers"]),
            row["last_seen"],
        )
    console().print(table)
