"""`scout worker` and `scout workers`: Scout's jobs on a task queue over several machines."""

from __future__ import annotations

import click
from rich.table import Table

from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.core.errors import ConfigError
from pipeline.core.settings import Settings
from pipeline.operations import workers as queue


def _broker_settings(app: App) -> Settings:
    """The settings, with a broker and PostgreSQL, or one clear line."""
    settings = app.settings
    if not settings.broker_url:
        raise ConfigError(
            "no task queue configured: set SCOUT_BROKER_URL (e.g. redis://host:6379/0)"
        )
    settings.require_store_for_workers()
    return settings


def _queues(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(queue.QUEUES))
    if unknown or not names:
        raise click.BadParameter(
            f"unknown queue {', '.join(unknown) or '(none)'}; choose from {','.join(queue.QUEUES)}"
        )
    return names


@click.command()
@click.option(
    "--queues",
    default=",".join(queue.QUEUES),
    show_default=True,
    callback=_queues,
    help="Queues to take jobs from: crawl (one site's crawl, its own process), analyse "
    "(batches of advert versions), link (one at a time over all workers).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Jobs this worker runs at once (threads; each crawl is its own process).",
)
@click.option("--name", default="scout", show_default=True, help="Worker name (before @host).")
@click.pass_obj
def worker(app: App, queues: list[str], concurrency: int, name: str) -> None:
    """Run a worker for the task queue (SCOUT_BROKER_URL; PostgreSQL required) until SIGTERM.

    Start any number, on any machines that reach the broker and the database. A job is
    acknowledged when it has finished: a worker that dies leaves its job to another.
    """
    settings = _broker_settings(app)
    app.database()  # one clear line if the database is unusable or out of date
    queue.run_worker(settings, queues, concurrency, name)


@click.command()
@click.option("--timeout", type=click.FloatRange(0.1, 30), default=1.0, show_default=True,
              help="Seconds to wait for the workers to answer.")  # fmt: skip
@click.pass_obj
def workers(app: App, timeout: float) -> None:
    """Show the workers, their queues and running jobs, queue lengths, and recent failed
    and finished jobs."""
    state = queue.status(_broker_settings(app), timeout)
    out = console()
    table = Table(title="Workers")
    for column in ("worker", "queues", "running"):
        table.add_column(column)
    for name, info in state["workers"].items():
        running = ", ".join(f"{job['job']} {job['args']}" for job in info["running"]) or "-"
        table.add_row(name, ",".join(info["queues"]), running)
    if not state["workers"]:
        table.add_row("(none answered)", "-", "-")
    out.print(table, markup=False)
    out.print("queued: " + ", ".join(f"{q} {n}" for q, n in state["queued"].items()),
              markup=False)  # fmt: skip
    for title, key in (("Failed jobs", "failed"), ("Finished jobs", "finished")):
        table = Table(title=title)
        for column in ("when", "job", "result", "detail"):
            table.add_column(column)
        for entry in state[key]:
            detail = {k: v for k, v in entry.items() if k not in ("at", "job", "result", "id")}
            table.add_row(entry["at"], entry["job"], entry.get("result", "failed"), str(detail))
        out.print(table, markup=False)
