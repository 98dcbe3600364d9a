"""`scout demo`: the main job end to end on the synthetic demo world (never a real site)."""

from __future__ import annotations

from datetime import timedelta

import click
from sqlalchemy import delete, exists, select

from models import AdvertContact, ContactPoint, Site
from pipeline.cli.commands.analyse import print_analysis, run_analysis
from pipeline.cli.commands.crawl import print_summary, run_crawls
from pipeline.cli.commands.link import print_link_summary, run_link
from pipeline.cli.commands.status import status
from pipeline.cli.commands.targets import print_top_targets
from pipeline.core import clock, migrations
from pipeline.core.app import App
from pipeline.core.errors import ScoutError
from pipeline.reports.digest import write_digest

DEMO_SITES = ("demo_classic", "demo_spa")


def _reset_demo_data(app: App) -> None:
    """Start the demo world afresh; refuse a database that holds anything but demo sites."""
    database = app.database()
    with database.session() as session:
        names = set(session.scalars(select(Site.name)))
        foreign = sorted(names - set(DEMO_SITES))
        if foreign:
            raise ScoutError(
                f"the database holds real sites ({', '.join(foreign)}); run the demo "
                "with its own SCOUT_DATA_DIR, e.g. make demo"
            )
        session.execute(delete(Site).where(Site.name.in_(DEMO_SITES)))
        session.execute(
            delete(ContactPoint).where(
                ~exists().where(AdvertContact.contact_point_id == ContactPoint.id)
            )
        )


@click.command()
@click.option(
    "--days",
    type=click.IntRange(1, 14),
    default=7,
    show_default=True,
    help="Simulated days to crawl, one crawl of each site a day.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the synthetic world.")
@click.pass_context
def demo(ctx: click.Context, days: int, seed: int) -> None:
    """Run Scout on the synthetic demo sites (127.0.0.1 only) over several simulated days."""
    from demo.clock import SimClock
    from demo.server import DemoServer
    from demo.world import build_world

    app: App = ctx.obj
    database = app.database(require_schema=False)
    migrations.upgrade(database.engine, app.settings)
    click.echo(f"database: {app.settings.redacted_database_url}")
    click.echo(f"data folder: {app.settings.data_dir}")
    _reset_demo_data(app)
    world = build_world(seed=seed, days=14)
    demo_clock = SimClock(world.start)
    with DemoServer(world, demo_clock) as server:
        urls = {"demo_classic": server.classic_url, "demo_spa": server.spa_url}
        for day in range(days):
            demo_clock.day = day
            click.echo(
                f"day {day + 1} of {days} ({demo_clock.today().isoformat()}): crawling "
                f"{', '.join(DEMO_SITES)}"
            )
            outcomes = run_crawls(
                app, list(DEMO_SITES), urls, time_limit=900, as_of=demo_clock.now()
            )
            print_summary(app, outcomes)
    # The rest runs "on" the last simulated day, so clusters seen that day count as active.
    clock.set_now(demo_clock.now() + timedelta(hours=6))
    try:
        click.echo("analysing the adverts collected (languages, fields, indicators)")
        print_analysis(run_analysis(app))
        click.echo("linking adverts into clusters and scoring them")
        print_link_summary(run_link(app))
        digest = write_digest(app)
        click.echo(f"weekly digest written: {digest}")
        click.echo(
            "top contact targets (pseudonyms only; reveal one at a time with "
            "`scout targets reveal ID --reason …`, outreach role):"
        )
        print_top_targets(app)
    finally:
        clock.set_now(None)
    ctx.invoke(status)
