"""`scout clinics`: the screening list of clinics of concern, one venue, and the visit log."""

from __future__ import annotations

import json
from datetime import date

import click
from rich.table import Table

from pipeline.core import clock
from pipeline.core.app import App
from pipeline.core.console import console
from pipeline.operations import stages
from pipeline.reports.clinics.screening import (
    CONCERN_SCORE,
    ScreenedVenue,
    screening_list,
    show_venue,
)
from pipeline.reports.clinics.visits import OUTCOME_WORDS, log_visit
from pipeline.reports.outreach.sanitize import clean
from pipeline.reports.outreach.targets import plain_reason
from pipeline.stages.venues import VenueRun


def _row(venue: ScreenedVenue) -> dict[str, object]:
    row: dict[str, object] = {
        "venue": venue.stable_id,
        "score": venue.score,
        "area": f"{venue.municipality or '?'}, {venue.region or '?'}",
        "names": " / ".join(venue.names),
        "why": "; ".join(
            plain_reason({"rule_id": r.rule_id, "reason": r.description}) for r in venue.reasons
        ),
        "languages": ", ".join(venue.languages),
        "open": venue.hours or "",
        "last seen": venue.last_seen.date().isoformat(),
        "last visit": (
            f"{venue.last_visit.isoformat()} ({venue.last_outcome})"
            + (", visited this week" if venue.visited_recently else "")
            if venue.last_visit
            else ""
        ),
    }
    if venue.address:
        row["address"] = venue.address
    return row


@click.group(invoke_without_command=True)
@click.option("--region", help="Only venues in this region (e.g. Hovedstaden).")
@click.option("--municipality", help="Only venues in this municipality (e.g. Aalborg).")
@click.option(
    "--all", "everything", is_flag=True,
    help=f"Every active venue, not only those of concern (score ≥ {CONCERN_SCORE}).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_context
def clinics(
    ctx: click.Context, region: str | None, municipality: str | None, everything: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Clinics of concern: venue, score, reasons, languages, hours, last seen and visit.

    Addresses are shown to the outreach role only, and every address shown is audit-logged.
    No person's name or contact value is on the list.
    """
    if ctx.invoked_subcommand is not None:
        return
    app: App = ctx.obj
    with app.database().session() as session:
        rows = [
            _row(v)
            for v in screening_list(
                session, app.settings, clock.now(), region=region,
                municipality=municipality, everything=everything,
            )
        ]  # fmt: skip
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"Clinics of concern ({len(rows)})")
    for key in rows[0] if rows else ("venue", "score", "why"):
        table.add_column(key, overflow="fold")
    for row in rows:
        table.add_row(*(clean(str(value)) for value in row.values()))
    console().print(table)


@clinics.command("show")
@click.argument("venue")
@click.pass_obj
def show_command(app: App, venue: str) -> None:
    """One venue by id (V12): its address, why it is listed, history and visits; audited."""
    with app.database().session() as session:
        screened, events, visits = show_venue(session, app.settings, venue, clock.now())
        out = console()
        for key, value in _row(screened).items():
            out.print(f"{key}: {clean(str(value))}")
        for event in events:
            out.print(
                f"  {event.at.date().isoformat()} {event.kind} {clean(json.dumps(event.detail))}"
            )
        for visit in visits:
            out.print(
                f"  visit {visit.visited_on.isoformat()} by {clean(visit.team)}: "
                f"{OUTCOME_WORDS[visit.outcome]}, {visit.persons_met} met"
            )


@clinics.command("visit")
@click.argument("venue")
@click.option(
    "--outcome", required=True, type=click.Choice(list(OUTCOME_WORDS)), help="What happened."
)
@click.option("--team", required=True, help="The outreach team (e.g. 'Team Nord').")
@click.option(
    "--date",
    "visited_on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Day of the visit (default today).",
)
@click.option(
    "--met", "persons_met", type=click.IntRange(0), default=0, help="Number of persons met."
)
@click.option(
    "--language", "languages", multiple=True, help="A language used (repeatable, e.g. ro)."
)
@click.option("--material", "materials", multiple=True, help="Material handed out (repeatable).")
@click.option("--note", help="A short note (stored encrypted; never exported).")
@click.option("--follow-up", type=click.DateTime(["%Y-%m-%d"]), help="Day to follow up.")
@click.pass_obj
def visit_command(
    app: App, venue: str, outcome: str, team: str, visited_on, persons_met: int,
    languages: tuple[str, ...], materials: tuple[str, ...], note: str | None, follow_up,
) -> None:  # fmt: skip
    """Log a visit to a venue by id (V12): outcome, persons met, languages, materials."""
    day: date = visited_on.date() if visited_on else clock.now().date()
    with app.database().session() as session:
        visit = log_visit(
            session, app.settings, venue, visited_on=day, team=team, outcome=outcome,
            persons_met=persons_met, languages=list(languages), materials=list(materials),
            note=note, follow_up=follow_up.date() if follow_up else None,
        )  # fmt: skip
        click.echo(
            f"logged visit to {venue.upper()} on {visit.visited_on}: {OUTCOME_WORDS[outcome]}"
        )


@clinics.command("link")
@click.pass_obj
def link_command(app: App) -> None:
    """Link the stored clinic adverts into venues (rosters, events); mark quiet ones vanished."""
    print_venue_run(stages.link_clinics(app))


def print_venue_run(run: VenueRun) -> None:
    events = ", ".join(f"{kind} {count}" for kind, count in sorted(run.events.items())) or "none"
    click.echo(
        f"{run.observations} clinic adverts, {run.venues_new} new venues, "
        f"{run.without_address} without an address; events: {events}"
    )
