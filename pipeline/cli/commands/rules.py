"""`scout rules`: check rule files, evaluate them against labels, and diff two rule folders."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.core.errors import ScoutError
from pipeline.reports.rules_eval.check import check_rules
from pipeline.reports.rules_eval.evaluate import RuleDiff, diff_rules, evaluate
from pipeline.reports.rules_eval.labels import choose_labels
from pipeline.reports.rules_eval.visits import evaluate_visits

_FOLDER = click.Path(file_okay=False, exists=True, path_type=Path)


@click.group()
def rules() -> None:
    """Check, evaluate and compare indicator rule sets (analysts)."""


@rules.command()
@click.option("--rules", "rules_dir", type=_FOLDER, help="Rule folder (default: nlp/rules/).")
def check(rules_dir: Path | None) -> None:
    """Validate every rule file; exit 1 naming the first file and entry at fault."""
    results = check_rules(rules_dir)
    table = Table(title="Rule files")
    for column in ("what", "ok", "detail"):
        table.add_column(column, overflow="fold")
    for result in results:
        table.add_row(result.what, "yes" if result.ok else "NO", result.message)
    console().print(table)
    failed = [r for r in results if not r.ok]
    if failed:
        raise ScoutError(failed[0].message)


@rules.command("eval")
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Labelled adverts/targets as JSON lines (format: docs/analysts.md).",
)
@click.option(
    "--demo-seed",
    type=click.IntRange(0, 2**32 - 1),
    help="Label by the demo world with this seed: controlled adverts are positive.",
)
@click.option(
    "--contact-log",
    "from_log",
    is_flag=True,
    help="Label by contact-log outcomes (referred positive; declined, opted-out not).",
)
@click.option(
    "--stored-labels",
    "stored",
    is_flag=True,
    help="Label by the newest label analysts gave each cluster on the web's Label page "
    "(concern positive; independent, spam not; unsure left out).",
)
@click.option(
    "--visits",
    is_flag=True,
    help="The clinic rules against visit outcomes: venues where the team talked with the "
    "persons are positive; not let in or closed not (--rules: default nlp/rules/clinics/).",
)
@click.option("--rules", "rules_dir", type=_FOLDER, help="Rule folder (default: nlp/rules/).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_obj
def eval_command(
    app: App,
    labels_path: Path | None,
    demo_seed: int | None,
    from_log: bool,
    stored: bool,
    visits: bool,
    rules_dir: Path | None,
    as_json: bool,
) -> None:
    """Precision, recall and F1 per indicator and for the target list (scores in memory)."""
    if sum((labels_path is not None, demo_seed is not None, from_log, stored, visits)) != 1:
        raise click.UsageError(
            "give exactly one of --labels, --demo-seed, --contact-log, --stored-labels, --visits"
        )
    with app.database().session() as session:
        if visits:
            result = evaluate_visits(session, rules_dir)
        else:
            labels = choose_labels(
                session, path=labels_path, demo_seed=demo_seed, contact_log=from_log, stored=stored
            )
            result = evaluate(session, labels, rules_dir)
        session.rollback()  # evaluation reads only; nothing it touched is kept
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    table = Table(
        title=f"Rule set {result.ruleset_version} against {result.labelled} labelled "
        f"{result.unit} ({result.positives} positive)"
    )
    for column in ("indicator", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "indicator" else "right")
    rows = [
        (f"{result.listing} (score ≥ {result.threshold:g})", result.targets),
        *sorted(result.indicators.items()),
    ]
    for name, metrics in rows:
        table.add_row(
            name,
            str(metrics.tp),
            str(metrics.fp),
            str(metrics.fn),
            f"{metrics.precision:.2f}",
            f"{metrics.recall:.2f}",
            f"{metrics.f1:.2f}",
        )
    console().print(table)


def _print_diff(result: RuleDiff) -> None:
    out = console()
    out.print(f"rule set {result.old_version} → {result.new_version}")
    if result.entering or result.leaving:
        table = Table(title="Targets entering (+) or leaving (-) the list")
        for column in ("", "target", "old score", "new score", "why"):
            table.add_column(column, overflow="fold")
        for sign, changes in (("+", result.entering), ("-", result.leaving)):
            for change in changes:
                table.add_row(
                    sign,
                    change.target,
                    f"{change.old_score:.2f}",
                    f"{change.new_score:.2f}",
                    "; ".join(change.why),
                )
        out.print(table)
    else:
        out.print("no target enters or leaves the list")
    if not result.indicator_counts:
        out.print("no indicator's count of adverts changes")
        return
    counts = Table(title="Indicator hits per advert that changed")
    for column in ("indicator", "old", "new"):
        counts.add_column(column)
    for rule, (old, new) in sorted(result.indicator_counts.items()):
        counts.add_row(rule, str(old), str(new))
    out.print(counts)


@rules.command()
@click.argument("old", type=_FOLDER)
@click.argument("new", type=_FOLDER)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_obj
def diff(app: App, old: Path, new: Path, as_json: bool) -> None:
    """Compare the rule folders OLD and NEW on the stored adverts (scores in memory)."""
    with app.database().session() as session:
        result = diff_rules(session, old, new)
        session.rollback()
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_diff(result)
