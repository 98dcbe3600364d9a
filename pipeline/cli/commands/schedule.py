"""`scout schedule run | list | next`: Scout unattended, and what it has done and will do."""

from __future__ import annotations

import logging

import click
from rich.table import Table

from pipeline.core import clock
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.operations import scheduler_loop
from pipeline.operations.jobs import read_state
from pipeline.operations.scheduling import job_specs, next_fire_times, stored_next_runs
from spiders.sitefile import load_all_sites


@click.group()
def schedule() -> None:
    """Run Scout unattended, and see its jobs."""


@schedule.command("run")
@click.pass_obj
def run_command(app: App) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C (logs to stderr)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    code = scheduler_loop.run(app)
    if code:
        raise click.exceptions.Exit(code)


def _specs(app: App) -> list:
    return job_specs(app.settings, load_all_sites())


@schedule.command("list")
@click.pass_obj
def list_command(app: App) -> None:
    """Show every job with its trigger, last run, last result and next run."""
    state = read_state(app)
    stored = stored_next_runs(app.database())
    now = clock.now()
    table = Table(title="Scheduled jobs")
    for column in ("job", "when", "last run", "result", "next run"):
        table.add_column(column)
    for spec in _specs(app):
        nxt = stored.get(spec.id) or spec.trigger.get_next_fire_time(None, now)
        last = state.get(spec.id, {})
        table.add_row(
            spec.id,
            str(spec.trigger),
            last.get("last_run", "never"),
            last.get("result", "-"),
            nxt.astimezone(app.settings.tz).isoformat(timespec="minutes") if nxt else "-",
        )
    console().print(table)


@schedule.command("next")
@click.option(
    "--count",
    type=click.IntRange(1, 50),
    default=3,
    show_default=True,
    help="How many upcoming runs to show per job.",
)
@click.pass_obj
def next_command(app: App, count: int) -> None:
    """Show the next runs of every job, in time order (local time)."""
    table = Table(title="Upcoming runs")
    table.add_column("when")
    table.add_column("job")
    for job_id, when in sorted(
        next_fire_times(_specs(app), clock.now(), count), key=lambda item: item[1]
    ):
        table.add_row(when.astimezone(app.settings.tz).isoformat(timespec="minutes"), job_id)
    console().print(table)
