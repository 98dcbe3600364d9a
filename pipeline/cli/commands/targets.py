"""`scout targets`: the contact-target list, one target's evidence, and a one-target reveal."""

from __future__ import annotations

import math

import click
from rich.table import Table

from pipeline.core import audit
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.reports.outreach import claims
from pipeline.reports.outreach.evidence import TargetEvidence, target_evidence
from pipeline.reports.outreach.render import FORMATS, as_table, print_targets
from pipeline.reports.outreach.reveal import reveal_target
from pipeline.reports.outreach.sanitize import clean
from pipeline.reports.outreach.targets import (
    TargetFilter,
    list_targets,
    parse_duration,
    parse_target_id,
)
from pipeline.stages.linking.config import target_threshold


def print_top_targets(app: App, limit: int = 10) -> int:
    """Print the best `limit` targets as a table (e.g. at the end of `scout demo`); the count."""
    wanted = TargetFilter(min_score=target_threshold())
    with app.database().session() as session:
        found = list_targets(session, wanted)
    console().print(as_table(found[:limit], title=f"Top contact targets ({len(found)} in all)"))
    return len(found)


@click.group(invoke_without_command=True)
@click.option("--region", help="Only targets with an advert in this region (e.g. Hovedstaden).")
@click.option("--city", help="Only targets with an advert in this city (e.g. Aarhus).")
@click.option("--language", help="Only targets to write to in this language (two letters).")
@click.option("--min-score", type=float, help="Lowest score listed (default: target threshold).")
@click.option("--active-within", help="Only targets seen within this time, e.g. 48h or 7d.")
@click.option("--not-contacted", is_flag=True, help="Only targets with no contact-log entry.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="table",
    show_default=True,
    help="Output format; none of them holds contact data.",
)
@click.option("--limit", type=click.IntRange(1), help="Show at most this many targets.")
@click.pass_context
def targets(
    ctx: click.Context,
    region: str | None,
    city: str | None,
    language: str | None,
    min_score: float | None,
    active_within: str | None,
    not_contacted: bool,
    fmt: str,
    limit: int | None,
) -> None:
    """List contact targets: reasons, languages to write in, reachability — no numbers."""
    if ctx.invoked_subcommand is not None:
        return
    app: App = ctx.obj
    if min_score is not None and not math.isfinite(min_score):  # C18: nan matched nothing
        raise click.BadParameter(f"{min_score} is not a number", param_hint="'--min-score'")
    wanted = TargetFilter(
        min_score=target_threshold() if min_score is None else min_score,
        region=region,
        city=city,
        language=language,
        not_contacted=not_contacted,
        active_within=parse_duration(active_within) if active_within else None,
    )
    with app.database().session() as session:
        found = list_targets(session, wanted)
        shown = found[:limit] if limit else found
        if fmt != "table":  # a copyable list: who took it, how many (never the rows)
            audit.record(
                session,
                app.settings,
                "targets-list",
                params={"format": fmt},
                counts={"targets": len(shown)},
            )
    print_targets(shown, fmt)


def _section(title: str, rows: list[dict[str, object]]) -> Table | None:
    if not rows:
        return None
    table = Table(title=title)
    for key in rows[0]:
        table.add_column(key, overflow="fold")
    for row in rows:
        table.add_row(*(clean(str(value)) for value in row.values()))
    return table


def _print_evidence(evidence: TargetEvidence) -> None:
    out = console()
    summary = ", ".join(f"{key} {value}" for key, value in evidence.cluster.items())
    out.print(f"Target {evidence.target_id}: {summary}")
    for title, rows in (
        ("Why (score explanation)", evidence.reasons),
        ("Adverts (contacts masked)", evidence.adverts),
        ("Links between adverts", evidence.links),
        ("City timeline", evidence.timeline),
        ("Indicator hits", evidence.hits),
        ("Contact points (pseudonyms only)", evidence.contacts),
        ("History", evidence.events),
    ):
        table = _section(title, rows)
        if table is not None:
            out.print(table)


@targets.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_obj
def show(app: App, target: str, as_json: bool) -> None:
    """Show why TARGET (e.g. C12) is listed: adverts, links, cities over time, indicator hits."""
    with app.database().session() as session:
        cluster_id = parse_target_id(target)
        evidence = target_evidence(session, cluster_id)
        audit.record(session, app.settings, "target-view", params={"target": f"C{cluster_id}"})
    if as_json:
        click.echo(evidence.as_json())
    else:
        _print_evidence(evidence)


@targets.command()
@click.argument("target")
@click.option("--release", is_flag=True, help="Give up your claim instead.")
@click.pass_obj
def claim(app: App, target: str, release: bool) -> None:
    """Claim TARGET before contacting it (a lease of claim_hours), or --release your claim."""
    cluster_id = parse_target_id(target)
    with app.database().session() as session:
        if release:
            done = claims.release_claim(session, app.settings, cluster_id)
            click.echo(
                f"C{cluster_id} released." if done else f"You had no claim on C{cluster_id}."
            )
            return
        held = claims.claim_target(session, app.settings, cluster_id)
    until = held.expires_at.astimezone(app.settings.tz).isoformat(timespec="minutes")
    click.echo(f"C{cluster_id} is yours until {until} (or until you log a contact).")


@targets.command()
@click.argument("target")
@click.option("--to", "to_actor", required=True, help="The worker who takes the claim over.")
@click.option("--reason", required=True, help="Why the claim moves (audit-logged).")
@click.pass_obj
def reassign(app: App, target: str, to_actor: str, reason: str) -> None:
    """Hand TARGET's claim to another worker (lead or admin; a fresh lease; audited)."""
    with app.database().session() as session:
        held = claims.reassign_claim(
            session, app.settings, parse_target_id(target), to_actor.strip(), reason
        )
    until = held.expires_at.astimezone(app.settings.tz).isoformat(timespec="minutes")
    click.echo(f"C{held.cluster_id} is {held.actor}'s until {until}.")


@targets.command()
@click.argument("target")
@click.option("--reason", required=True, help="Why you need the contact now (audit-logged).")
@click.pass_obj
def reveal(app: App, target: str, reason: str) -> None:
    """Show the contact points of one TARGET (outreach role; audited; daily cap)."""
    with app.database().session() as session:
        found = reveal_target(session, app.settings, parse_target_id(target), reason)
    table = Table(title=f"Contact points of {target.upper()} (reveal logged)")
    for column in ("kind", "value", "via", "country", "type"):
        table.add_column(column)
    for contact in found:
        table.add_row(
            contact.kind,
            clean(contact.value),
            contact.via,
            contact.country or "-",
            contact.number_type or "-",
        )
    console().print(table)
    click.echo("Nothing is sent automatically: you decide whether and how to make contact.")
