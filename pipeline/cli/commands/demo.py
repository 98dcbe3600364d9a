"""`scout demo`: the main job end to end on the synthetic demo world (never a real site)."""

from __future__ import annotations

from datetime import timedelta

import click

from pipeline.cli.commands.analyse import print_analysis
from pipeline.cli.commands.clinics import print_venue_run
from pipeline.cli.commands.crawl import print_summary
from pipeline.cli.commands.link import print_link_summary
from pipeline.cli.commands.status import status
from pipeline.cli.commands.targets import print_top_targets
from pipeline.cli.progress import run_stage
from pipeline.core import clock, migrations
from pipeline.core.app import Context
from pipeline.core.errors import ScoutError
from pipeline.operations import stages
from spiders.storage.sites import delete_sites, site_names

# the market cross-posts the classic site's adverts (sitemap, reveal by POST, numbers as images)
DEMO_SITES = ("demo_classic", "demo_spa", "demo_market")
# The clinic sites (issue 15): one server, crawled once a week of the clinic world.
CLINIC_SITES = ("demo_clinics", "demo_massage")


def _reset_demo_data(context: Context) -> None:
    """Start the demo world afresh; refuse a database that holds anything but demo sites."""
    with context.database().session() as session:
        foreign = sorted(site_names(session) - {*DEMO_SITES, *CLINIC_SITES})
        if foreign:
            raise ScoutError(
                f"the database holds real sites ({', '.join(foreign)}); run the demo "
                "with its own SCOUT_DATA_DIR, e.g. make demo"
            )
        delete_sites(session, (*DEMO_SITES, *CLINIC_SITES))


def _crawl_clinics(context: Context) -> None:
    """Crawl the clinic sites once for each week of the clinic world (its own dates)."""
    from demo.clinic_site import ClinicServer
    from demo.clinics import START, WEEKS, build_clinic_world

    with ClinicServer(build_clinic_world()) as server:
        urls = dict.fromkeys(CLINIC_SITES, server.url)
        for week in range(WEEKS):
            server.site.day = week * 7
            click.echo(f"clinic week {week + 1} of {WEEKS}: crawling {', '.join(CLINIC_SITES)}")
            crawled = run_stage(
                stages.crawl, context, sites=CLINIC_SITES, base_urls=urls, time_limit=900,
                as_of=START + timedelta(weeks=week),
            )  # fmt: skip
            print_summary(crawled)


@click.command()
@click.option(
    "--days",
    type=click.IntRange(1, 14),
    default=7,
    show_default=True,
    help="Simulated days to crawl, one crawl of each site a day.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**32 - 1),
    default=7,
    show_default=True,
    help="Seed of the synthetic world.",
)
@click.pass_context
def demo(ctx: click.Context, days: int, seed: int) -> None:
    """Run Scout on the synthetic demo sites (127.0.0.1 only) over several simulated days."""
    from demo.clock import SimClock
    from demo.server import DemoServer
    from demo.team import run_team
    from demo.world import build_world

    context: Context = ctx.obj
    database = context.database(require_schema=False)
    migrations.upgrade(database.engine, context.settings)
    click.echo(f"database: {context.settings.redacted_database_url}")
    click.echo(f"data folder: {context.settings.data_dir}")
    _reset_demo_data(context)
    world = build_world(seed=seed, days=14)
    demo_clock = SimClock(world.start)
    with DemoServer(world, demo_clock) as server:
        urls = {
            "demo_classic": server.classic_url,
            "demo_spa": server.spa_url,
            "demo_market": server.market_url,
        }
        for day in range(days):
            demo_clock.day = day
            click.echo(
                f"day {day + 1} of {days} ({demo_clock.today().isoformat()}): crawling "
                f"{', '.join(DEMO_SITES)}"
            )
            crawled = run_stage(
                stages.crawl,
                context,
                sites=DEMO_SITES,
                base_urls=urls,
                time_limit=900,
                as_of=demo_clock.now(),
            )
            print_summary(crawled)
    _crawl_clinics(context)
    # The rest runs "on" the last simulated day, so clusters seen that day count as active.
    clock.set_now(demo_clock.now() + timedelta(hours=6))
    try:
        click.echo("analysing the adverts collected (languages, fields, indicators)")
        print_analysis(run_stage(stages.analyse, context))
        click.echo("linking adverts into clusters and scoring them")
        print_link_summary(run_stage(stages.link, context))
        click.echo("linking clinic adverts into venues (`scout clinics` lists those of concern)")
        print_venue_run(stages.link_clinics(context))
        digest = run_stage(stages.digest, context)
        click.echo(f"weekly digest written: {digest.path}")
        last_day = world.start + timedelta(days=days - 1)
        click.echo("a scripted outreach team logs its contacts over the simulated days")
        logged = run_team(context.database(), context.settings, world.start, days, seed=seed)
        clock.set_now(demo_clock.now() + timedelta(hours=6))
        click.echo(f"  {len(logged)} contacts logged (synthetic; nothing is sent to anyone)")
        effects = run_stage(stages.effects, context, first=world.start, last=last_day)
        click.echo(f"effects report written: {effects.page}")
        click.echo(
            "top contact targets (pseudonyms only; reveal one at a time with "
            "`scout targets reveal ID --reason …`, outreach role):"
        )
        print_top_targets(context)
    finally:
        clock.set_now(None)
    ctx.invoke(status)
