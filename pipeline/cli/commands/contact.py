"""`scout contact` (log outcomes, anonymised export) and `scout suppress` (opt-outs)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from rich.table import Table

from pipeline.core import audit, clock, roles
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.reports.outreach.contact_log import (
    OUTCOMES,
    REFERRALS,
    active_suppressions,
    anonymised_log,
    lift_suppression,
    log_contact,
    open_follow_ups,
    suppress_target,
)
from pipeline.reports.outreach.targets import parse_target_id


@click.group()
def contact() -> None:
    """Record what happened when you contacted a target."""


@contact.command("log")
@click.argument("target")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(OUTCOMES),
    help="What happened; opted-out also puts the target on the opt-out list.",
)
@click.option("--note", help="A short note (stored encrypted; never exported).")
@click.option("--language", help="Language you wrote or spoke in (two letters).")
@click.option(
    "--referred-to",
    type=click.Choice(REFERRALS),
    help="Where a referral went (with --outcome referred); the effects report counts each.",
)
@click.pass_obj
def log_command(
    app: App,
    target: str,
    outcome: str,
    note: str | None,
    language: str | None,
    referred_to: str | None,
) -> None:
    """Log the outcome of contacting TARGET (e.g. C12)."""
    with app.database().session() as session:
        entry = log_contact(
            session,
            app.settings,
            parse_target_id(target),
            outcome,
            note,
            language,
            referred_to=referred_to,
        )
        click.echo(f"logged {entry.outcome} for {entry.target}")
    if outcome == "opted-out":
        click.echo(f"{target.upper()} is on the opt-out list: never listed or revealed again")


@contact.command("follow-ups")
@click.option("--team", is_flag=True, help="Everyone's follow-ups, not only yours (lead).")
@click.pass_obj
def follow_ups_command(app: App, team: bool) -> None:
    """List follow-ups due today or earlier: yours, or with --team the whole team's."""
    if team:
        roles.require(app.settings, "follow-ups team")
    today = clock.now().astimezone(app.settings.tz).date()
    with app.database().session() as session:
        due = open_follow_ups(session, None if team else app.settings.effective_actor, today)
        rows = [(e.target, e.actor, e.follow_up.isoformat(), e.outcome) for e in due if e.follow_up]
    table = Table(title=f"Follow-ups due by {today.isoformat()}")
    for column in ("target", "worker", "due", "last outcome"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console().print(table)


@contact.command("export")
@click.pass_obj
def export_command(app: App) -> None:
    """Print the contact log as anonymised JSON lines (target, day, outcome, language)."""
    with app.database().session() as session:
        rows = list(anonymised_log(session))
        audit.record(session, app.settings, "contact-export", counts={"rows": len(rows)})
    for row in rows:
        click.echo(json.dumps(asdict(row)))


class _TargetByDefault(click.Group):
    """`scout suppress C12` runs `scout suppress target C12`; other words name subcommands."""

    default_command = "target"

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)


@click.group(cls=_TargetByDefault)
def suppress() -> None:
    """Opt-outs: `scout suppress C12` puts a target's contact points on the opt-out list."""


@suppress.command("target")
@click.argument("target")
@click.option("--reason", help="Why (e.g. 'asked by phone'); audit-logged.")
@click.pass_obj
def suppress_target_command(app: App, target: str, reason: str | None) -> None:
    """Never list or reveal TARGET's contact points again; flag new adverts with them."""
    with app.database().session() as session:
        added = suppress_target(session, app.settings, parse_target_id(target), reason)
    click.echo(f"{target.upper()}: {added} contact point(s) added to the opt-out list")


@suppress.command("lift")
@click.argument("prefix")
@click.option("--reason", required=True, help="Why the opt-out is lifted; audit-logged.")
@click.pass_obj
def lift(app: App, prefix: str, reason: str) -> None:
    """Lift the opt-out whose pseudonym starts with PREFIX (admin only)."""
    with app.database().session() as session:
        lifted = lift_suppression(session, app.settings, prefix, reason)
    click.echo(f"opt-out {lifted}… lifted")


@suppress.command("list")
@click.pass_obj
def list_command(app: App) -> None:
    """List active opt-outs by pseudonym prefix (never the number)."""
    table = Table(title="Opt-out list")
    for column in ("pseudonym", "kind", "since", "by", "reason"):
        table.add_column(column)
    with app.database().session() as session:
        for row in active_suppressions(session):
            table.add_row(
                row.pseudonym[:12],
                row.kind,
                f"{row.created_at:%Y-%m-%d}",
                row.actor,
                row.reason or "-",
            )
    console().print(table)
