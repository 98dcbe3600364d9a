"""`scout crawl` and `scout sites`: collect adverts, and check the site files that say how."""

from __future__ import annotations

from datetime import datetime

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from models import CrawlRun
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.stages.crawling import CrawlOutcome, exit_code, run_crawl_process
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


def run_crawls(
    app: App,
    names: list[str],
    base_urls: dict[str, str],
    time_limit: float | None,
    quiet: bool = False,
    as_of: datetime | None = None,
) -> list[CrawlOutcome]:
    """Crawl each site in its own process with a live progress line; return the outcomes."""
    outcomes = []
    log_dir = app.settings.data_dir / "logs"
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        disable=quiet,
        transient=True,
    ) as progress:
        for name in names:
            task = progress.add_task(f"{name}: starting")

            def show(update: dict, task: int = task, name: str = name) -> None:
                pages = sum(update.get("pages", {}).values())
                progress.update(
                    task,
                    description=f"{name}: {pages} pages, "
                    f"{update.get('items', 0)} adverts, "
                    f"{update.get('failures', 0)} failures",
                )

            outcomes.append(
                run_crawl_process(name, log_dir, base_urls.get(name), time_limit, show, as_of=as_of)
            )
            progress.remove_task(task)
    return outcomes


def print_summary(app: App, outcomes: list[CrawlOutcome]) -> None:
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
    database = app.database()
    with database.session() as session:
        for outcome in outcomes:
            run = (
                session.scalar(select(CrawlRun).where(CrawlRun.id == outcome.run_id))
                if outcome.run_id
                else None
            )
            numbers = (
                [
                    run.pages,
                    run.adverts_seen,
                    run.adverts_new,
                    run.adverts_changed,
                    run.adverts_unchanged,
                    run.adverts_gone,
                    run.error_count,
                ]
                if run
                else ["-"] * 7
            )
            table.add_row(
                outcome.site, outcome.status, *map(str, numbers), f"{outcome.seconds:.1f}"
            )
    out = console()
    out.print(table, markup=False)
    for outcome in outcomes:
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
    app: App,
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
    app.database()  # one clear line now if the database is unusable
    outcomes = run_crawls(app, names, {names[0]: base_url} if base_url else {}, time_limit, quiet)
    print_summary(app, outcomes)
    code = exit_code(outcomes)
    if code:
        raise click.exceptions.Exit(code)
