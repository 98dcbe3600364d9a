"""`scout crawl` and `scout sites`: collect adverts, and check the site files that say how."""

from __future__ import annotations

import click
from rich.table import Table

from pipeline.cli.commands import sitetools
from pipeline.cli.progress import run_stage
from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.operations import stages
from pipeline.stages.crawling import CrawlSummary
from spiders.sitefile import load_all_sites, load_site


@click.group()
def sites() -> None:
    """List and validate the site files in spiders/sites/."""


@sites.command("list")
def list_sites() -> None:
    """Show every site with its mode, browser use and crawl interval."""
    table = Table(title="Sites")
    for column in ("site", "mode", "browser", "every", "robots.txt", "base URL"):
        table.add_column(column)
    for site in load_all_sites():
        table.add_row(
            site.name,
            "api" if site.api else "html",
            "yes" if site.browser.needed else "no",
            f"{site.crawl_interval_hours:g} h",
            "obeyed" if site.robots.obey else f"ignored: {site.robots.reason}",
            site.base_url,
        )
    console().print(table, markup=False)


@sites.command("check")
def check_sites() -> None:
    """Validate every site file; the first broken one is named with field and problem."""
    checked = load_all_sites()
    click.echo(f"{len(checked)} site files valid: {', '.join(s.name for s in checked)}")


sites.add_command(sitetools.try_command)
sites.add_command(sitetools.new_command)


def print_summary(summary: CrawlSummary) -> None:
    """The crawl summary table, then warnings, errors and the log of each run not complete."""
    table = Table(title="Crawl summary")
    for column in (
        "site",
        "status",
        "pages",
        "adverts",
        "new",
        "changed",
        "unchanged",
        "gone",
        "errors",
        "seconds",
    ):
        table.add_column(column, justify="left" if column in ("site", "status") else "right")
    for outcome in summary.outcomes:
        numbers = summary.numbers(outcome) or ["-"] * 7
        table.add_row(outcome.site, outcome.status, *map(str, numbers), f"{outcome.seconds:.1f}")
    out = console()
    out.print(table, markup=False)
    for outcome in summary.outcomes:
        for warning in outcome.warnings:
            out.print(f"warning: {outcome.site}: {warning}", markup=False)
        if outcome.error:
            out.print(f"error: {outcome.site}: {outcome.error}", markup=False)
        if outcome.status != "complete":
            out.print(f"log: {outcome.log_path}", markup=False)


@click.command()
@click.argument("site_names", nargs=-1, metavar="[SITE]...")
@click.option("--all", "all_sites", is_flag=True, help="Crawl every site in spiders/sites/.")
@click.option(
    "--base-url",
    help="Crawl the (single) site at this URL instead, e.g. a demo server on another port.",
)
@click.option(
    "--time-limit",
    type=float,
    default=None,
    help="Stop a crawl after this many seconds (a hung one is killed).",
)
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.pass_obj
def crawl(
    context: Context,
    site_names: tuple[str, ...],
    all_sites: bool,
    base_url: str | None,
    time_limit: float | None,
    quiet: bool,
) -> None:
    """Crawl sites, each in its own process, then print a summary table.

    Exit code: 0 all complete, 3 incomplete, 4 degraded (markup changed?),
    5 blocked by a site, 1 failed.
    """
    if all_sites == bool(site_names):
        raise click.UsageError("name one or more sites, or give --all")
    names = [s.name for s in load_all_sites()] if all_sites else list(site_names)
    for name in names:
        load_site(name)  # fail fast, naming the broken file
    if base_url and len(names) != 1:
        raise click.UsageError("--base-url goes with exactly one site")
    base_urls = {names[0]: base_url} if base_url else {}
    summary = run_stage(
        stages.crawl, context, quiet, sites=names, base_urls=base_urls, time_limit=time_limit
    )
    print_summary(summary)
    if summary.exit_code:
        raise click.exceptions.Exit(summary.exit_code)
