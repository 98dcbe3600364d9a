"""The contact log form (outcome, language, follow-up date, sealed note) and follow-ups due."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nlp.write_in import load_table
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.reports.outreach import contact_log
from pipeline.reports.outreach.contact_log import OUTCOMES
from pipeline.reports.outreach.targets import TargetFilter, list_targets
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.outreach import OUTCOME_NAMES, cluster_id_of
from pipeline.web.render import render

router = APIRouter()

# the languages the write-in table knows (nlp/lang/write_in.yaml), as the target list uses
LANGUAGES = sorted(load_table().language_names)


def _parse_day(text: str) -> date | str | None:
    """A follow-up date from the form: None when empty, the error message when malformed."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return N_("Give the follow-up date as a date.")


def _form(request: Request, cluster_id: int, values: dict[str, Any], status: int = 200) -> Response:
    context = {
        "cluster_id": cluster_id,
        "outcomes": OUTCOMES,
        "outcome_names": OUTCOME_NAMES,
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
) -> Response:
    database: Database = request.app.state.database
    values = {"outcome": outcome, "language": language, "follow_up": follow_up, "note": note}
    day = _parse_day(follow_up)
    error = day if isinstance(day, str) else None
    if outcome not in OUTCOMES:
        error = N_("Choose what happened.")
    elif outcome == "opted-out" and day is not None:
        error = N_("An opted-out person is never contacted again: leave the follow-up date empty.")
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
            )
    if error is not None:
        return _form(request, cluster_id, {**values, "error": error}, status=400)
    # an opted-out target has left the list at once: back to the list, not to its page
    return redirect("/targets" if outcome == "opted-out" else f"/targets/C{cluster_id}")


@router.get("/follow-ups", name="follow_ups")
def follow_ups(request: Request, viewer: Annotated[Viewer, needs("follow-ups")]) -> Response:
    database: Database = request.app.state.database
    today = clock.now().astimezone(viewer.settings.tz).date()
    with database.session() as session:
        due = contact_log.follow_ups_due(session, viewer.settings.effective_actor, today)
        listed = {
            t.target_id for t in list_targets(session, TargetFilter(min_score=0.0, kind=None))
        }
    # a target that left the list (opted out, merged, inactive) is no follow-up any more
    rows = [entry for entry in due if entry.target in listed]
    return render(
        request, "follow_ups.html", {"due": rows, "today": today, "outcome_names": OUTCOME_NAMES}
    )
