"""`scout evaluate`: accuracy of the current database against the demo world's ground truth."""

from __future__ import annotations

import inspect
from typing import Any

import click
from rich.table import Table

from nlp.evaluation import contact_accuracy, language_accuracy
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.stages.linking.evaluation import evaluate_clusters


def _world_default(name: str) -> Any:
    """The demo world's own default, so a plain `scout demo` matches. Read when the command
    runs: the demo world is imported only by the commands that use it."""
    from demo import build_world

    return inspect.signature(build_world).parameters[name].default


def _nlp_figures(world: Any) -> list[tuple[str, str]]:
    return [
        ("contact points", str(contact_accuracy(world))),
        ("languages", str(language_accuracy(world))),
    ]


@click.command("evaluate")
@click.option(
    "--seed",
    type=click.IntRange(0, 2**32 - 1),
    default=7,
    show_default=True,
    help="Seed of the demo world to compare with.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 14),
    default=14,
    show_default=True,
    help="Days of the demo world.",
)
@click.option(
    "--controllers",
    type=click.IntRange(0, 1000),
    default=lambda: _world_default("n_controllers"),
    show_default="the demo world's default",
    help="Controllers in the demo world (as given to the demo that filled the database).",
)
@click.option(
    "--independents",
    type=click.IntRange(0, 1000),
    default=lambda: _world_default("n_independent"),
    show_default="the demo world's default",
    help="Independent workers in the demo world.",
)
@click.pass_obj
def evaluate_command(app: App, seed: int, days: int, controllers: int, independents: int) -> None:
    """Compare clusters in the database with the demo world's true controllers."""
    from demo import build_world

    world = build_world(seed=seed, days=days, n_controllers=controllers, n_independent=independents)
    with app.database().session() as session:
        accuracy = evaluate_clusters(session, world.ground_truth())
    table = Table(
        title=f"Evaluation against demo world seed {seed} ({controllers} controllers, "
        f"{independents} independent workers)",
        show_header=False,
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("adverts compared", str(accuracy.adverts))
    table.add_row("cluster pairwise precision", f"{accuracy.precision:.3f}")
    table.add_row("cluster pairwise recall", f"{accuracy.recall:.3f}")
    table.add_row(
        f"truly controlled among the top {accuracy.top_k} active clusters",
        f"{accuracy.top_controlled} of {accuracy.top_k}",
    )
    table.add_row("clusters with independent workers among them", str(accuracy.independents_in_top))
    for label, value in _nlp_figures(world):
        table.add_row(label, value)
    console().print(table)
