"""Clinics of concern (issue 15): the screening list per region or municipality, a venue's
page (reasons, events, roster counts, visits), its address on request and the visit log.

The list and the venue page never show an address, a person's name or a contact value. The
address is shown only to the outreach role, in the answer to a POST, through the same
`show_venue` as `scout clinics show` (audited); a visit is logged through the same `log_visit`
as `scout clinics visit`. Every key is the role matrix's, as on the command line.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from models import VISIT_OUTCOMES
from pipeline.core import clock, roles
from pipeline.core.db import Database
from pipeline.reports.clinics.screening import screen, show_venue, venue_detail
from pipeline.reports.clinics.visits import UnknownVenue, find_venue, log_visit
from pipeline.web.access import Viewer, needs, require_recent_second_factor
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.routes.contacts import LANGUAGES, parse_day

router = APIRouter()

PAGE_SIZE = 20
_VENUE_ID = re.compile(r"V\d{1,12}")
OUTCOME_NAMES = {
    "talked": N_("Visited and talked"),
    "not_let_in": N_("Not let in"),
    "closed": N_("Closed"),
    "moved": N_("Moved"),
    "not_found": N_("Not found"),
}
assert set(OUTCOME_NAMES) == set(VISIT_OUTCOMES)
EVENT_NAMES = {
    "opened": N_("Opened"),
    "moved": N_("Moved"),
    "renamed": N_("Renamed"),
    "roster_changed": N_("Roster changed"),
    "vanished": N_("Vanished"),
    "reappeared": N_("Reappeared"),
}


def _venue_id(request: Request, venue: str) -> str:
    """A stable venue id ("V12") from the address; 404 for a malformed or unknown one."""
    if not _VENUE_ID.fullmatch(venue):
        raise HTTPException(404)
    database: Database = request.app.state.database
    with database.session() as session:
        try:
            find_venue(session, venue)
        except UnknownVenue:
            raise HTTPException(404) from None
    return venue


@router.get("/clinics", name="clinics")
def clinics_page(
    request: Request,
    viewer: Annotated[Viewer, needs("clinics")],
    region: Annotated[str, Query(max_length=40)] = "",
    municipality: Annotated[str, Query(max_length=64)] = "",
    everything: Annotated[bool, Query(alias="all")] = False,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        every = screen(session, clock.now())  # never with addresses: the list shows none
    regions = sorted({v.region for v in every if v.region})
    municipalities = sorted({v.municipality for v in every if v.municipality})
    # unknown values mean "no narrowing", as on the other lists
    region = region if region in regions else ""
    municipality = municipality if municipality in municipalities else ""
    kept = [
        v
        for v in every
        if (everything or v.of_concern)
        and (not region or v.region == region)
        and (not municipality or v.municipality == municipality)
    ]
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(page, pages)

    def query(**changes: Any) -> str:
        values = {
            "region": region, "municipality": municipality, "all": int(everything), "page": page,
            **changes,
        }  # fmt: skip
        return urlencode({k: v for k, v in values.items() if v not in ("", 0, 1)})

    context = {
        "venues": kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(kept),
        "page": page,
        "pages": pages,
        "query": query,
        "region": region,
        "municipality": municipality,
        "everything": everything,
        "regions": regions,
        "municipalities": municipalities,
        "outcome_names": OUTCOME_NAMES,
    }
    return render(request, "clinics.html", context)


def _venue_page(
    request: Request, viewer: Viewer, venue: str, address: str | None = None
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        detail = venue_detail(session, venue, clock.now())
    context = {
        "detail": detail,
        "address": address,
        "outcome_names": OUTCOME_NAMES,
        "event_names": EVENT_NAMES,
        "can": {
            key: roles.is_allowed(key, viewer.role) for key in ("clinics show", "clinics visit")
        },
    }
    return render(request, "clinic.html", context)


@router.get("/clinics/{venue}", name="clinic")
def clinic_page(
    request: Request, venue: str, viewer: Annotated[Viewer, needs("clinics")]
) -> Response:
    return _venue_page(request, viewer, _venue_id(request, venue))


@router.post("/clinics/{venue}/address", name="clinic_address")
def clinic_address(
    request: Request, venue: str, viewer: Annotated[Viewer, needs("clinics show")]
) -> Response:
    """The address, once, in the answer to this POST (no-store, as every page); audited."""
    stable_id = _venue_id(request, venue)
    require_recent_second_factor(viewer, next_path=f"/clinics/{stable_id}")
    database: Database = request.app.state.database
    with database.session() as session:
        shown, _events, _visits = show_venue(session, viewer.settings, stable_id, clock.now())
    return _venue_page(request, viewer, stable_id, shown.address or "")


def _visit_form(
    request: Request, venue: str, values: dict[str, Any], status: int = 200
) -> Response:
    context = {
        "venue": venue,
        "outcomes": VISIT_OUTCOMES,
        "outcome_names": OUTCOME_NAMES,
        "languages": LANGUAGES,
        "values": values,
    }
    return render(request, "clinic_visit.html", context, status=status)


@router.get("/clinics/{venue}/visit", name="clinic_visit_form")
def clinic_visit_form(
    request: Request, venue: str, viewer: Annotated[Viewer, needs("clinics visit")]
) -> Response:
    today = clock.now().astimezone(viewer.settings.tz).date()
    values = {"visited_on": today.isoformat(), "languages": [], "persons_met": "0"}
    return _visit_form(request, _venue_id(request, venue), values)


@router.post("/clinics/{venue}/visit", name="clinic_visit")
def clinic_visit(
    request: Request,
    venue: str,
    viewer: Annotated[Viewer, needs("clinics visit")],
    visited_on: Annotated[str, Form(max_length=10)] = "",
    team: Annotated[str, Form(max_length=64)] = "",
    outcome: Annotated[str, Form(max_length=16)] = "",
    persons_met: Annotated[str, Form(max_length=4)] = "0",
    languages: Annotated[list[str] | None, Form()] = None,
    materials: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    follow_up: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    stable_id = _venue_id(request, venue)
    chosen = [code for code in languages or [] if code in LANGUAGES]
    values = {
        "visited_on": visited_on, "team": team, "outcome": outcome, "persons_met": persons_met,
        "languages": chosen, "materials": materials, "note": note, "follow_up": follow_up,
    }  # fmt: skip
    malformed = N_("Give the dates as dates.")
    day = parse_day(visited_on, malformed) or N_("Give the day of the visit.")
    later = parse_day(follow_up, malformed)
    error = next((d for d in (day, later) if isinstance(d, str)), None)
    if outcome not in VISIT_OUTCOMES:
        error = N_("Choose what happened.")
    elif not team.strip():
        error = N_("Name the team that visited.")
    elif not persons_met.isdigit():
        error = N_("Give the number of persons met as a whole number.")
    if error is not None or not isinstance(day, date):
        return _visit_form(request, stable_id, {**values, "error": error}, status=400)
    database: Database = request.app.state.database
    with database.session() as session:
        log_visit(
            session, viewer.settings, stable_id, visited_on=day, team=team, outcome=outcome,
            persons_met=int(persons_met), languages=chosen,
            materials=[m for m in materials.split(",") if m.strip()],
            note=note.strip() or None, follow_up=later if isinstance(later, date) else None,
        )  # fmt: skip
    return redirect(f"/clinics/{stable_id}")
