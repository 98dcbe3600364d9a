"""The contact log form (outcome, language, follow-up date, sealed note) and follow-ups due."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nlp.write_in import load_table
from pipeline.core import clock, roles
from pipeline.core.db import Database
from pipeline.reports.outreach import contact_log
from pipeline.reports.outreach.contact_log import OUTCOMES
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.outreach import OUTCOME_NAMES, REFERRAL_NAMES, cluster_id_of
from pipeline.web.render import render

router = APIRouter()

# the languages the write-in table knows (nlp/lang/write_in.yaml), as the target list uses
LANGUAGES = sorted(load_table().language_names)


def parse_day(
    text: str, malformed: str = N_("Give the follow-up date as a date.")
) -> date | str | None:
    """A date from a form: None when empty, the error message `malformed` when malformed."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return malformed


def _form(request: Request, cluster_id: int, values: dict[str, Any], status: int = 200) -> Response:
    context = {
        "cluster_id": cluster_id,
        "outcomes": OUTCOMES,
        "outcome_names": OUTCOME_NAMES,
        "referrals": REFERRAL_NAMES,
        "languages": LANGUAGES,
        "values": values,
    }
    return render(request, "contact.html", context, status=status)


@router.get("/targets/{target}/contact", name="contact_form")
def contact_form(
    request: Request, target: str, viewer: Annotated[Viewer, needs("contact log")]
) -> Response:
    cluster_id = cluster_id_of(request, target)
    return _form(request, cluster_id, {})


@router.post("/targets/{target}/contact", name="contact_submit")
def contact_submit(
    request: Request,
    target: str,
    viewer: Annotated[Viewer, needs("contact log")],
    outcome: Annotated[str, Form(max_length=16)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
    follow_up: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    referred_to: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    database: Database = request.app.state.database
    values = {
        "outcome": outcome,
        "language": language,
        "follow_up": follow_up,
        "note": note,
        "referred_to": referred_to,
    }
    day = parse_day(follow_up)
    error = day if isinstance(day, str) else None
    if outcome not in OUTCOMES:
        error = N_("Choose what happened.")
    elif outcome == "opted-out" and day is not None:
        error = N_("An opted-out person is never contacted again: leave the follow-up date empty.")
    elif referred_to and (referred_to not in REFERRAL_NAMES or outcome != "referred"):
        error = N_("Say where a referral went only when the outcome is a referral.")
    cluster_id = cluster_id_of(request, target)
    with database.session() as session:
        if error is None:
            contact_log.log_contact(
                session,
                viewer.settings,
                cluster_id,
                outcome,
                note=note.strip() or None,
                language=language if language in LANGUAGES else None,
                follow_up=day if isinstance(day, date) else None,
                referred_to=referred_to or None,
            )
    if error is not None:
        return _form(request, cluster_id, {**values, "error": error}, status=400)
    # an opted-out target has left the list at once: back to the list, not to its page
    return redirect("/targets" if outcome == "opted-out" else f"/targets/C{cluster_id}")


@router.get("/follow-ups", name="follow_ups")
def follow_ups(request: Request, viewer: Annotated[Viewer, needs("follow-ups")]) -> Response:
    database: Database = request.app.state.database
    today = clock.now().astimezone(viewer.settings.tz).date()
    team = roles.is_allowed("follow-ups team", viewer.role)  # a lead: everyone's
    with database.session() as session:
        actor = None if team else viewer.settings.effective_actor
        rows = contact_log.open_follow_ups(session, actor, today)
    return render(
        request,
        "follow_ups.html",
        {"due": rows, "today": today, "outcome_names": OUTCOME_NAMES, "team": team},
    )
