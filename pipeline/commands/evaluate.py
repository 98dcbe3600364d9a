"""`scout evaluate`: accuracy of the current database against the demo world's ground truth."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import click
from rich.table import Table

from demo import build_world
from pipeline.app import App
from pipeline.console import console
from pipeline.linking.evaluation import evaluate_clusters

# The options default to the demo world's own defaults, so a plain `scout demo` matches.
_WORLD = inspect.signature(build_world).parameters


def _nlp_figures(world: Any) -> list[tuple[str, str]]:
    try:  # written by another part of Scout; absent in older checkouts
        module = importlib.import_module("nlp.evaluation")
    except ImportError:
        return [("contact points", "not available"), ("languages", "not available")]
    rows = []
    for label, name in (("contact points", "contact_accuracy"), ("languages", "language_accuracy")):
        func = getattr(module, name, None)
        rows.append((label, str(func(world)) if func else "not available"))
    return rows


@click.command("evaluate")
@click.option(
    "--seed", default=7, show_default=True, help="Seed of the demo world to compare with."
)
@click.option("--days", default=14, show_default=True, help="Days of the demo world.")
@click.option(
    "--controllers",
    default=_WORLD["n_controllers"].default,
    show_default=True,
    help="Controllers in the demo world (as given to the demo that filled the database).",
)
@click.option(
    "--independents",
    default=_WORLD["n_independent"].default,
    show_default=True,
    help="Independent workers in the demo world.",
)
@click.pass_obj
def evaluate_command(app: App, seed: int, days: int, controllers: int, independents: int) -> None:
    """Compare clusters in the database with the demo world's true controllers."""
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
