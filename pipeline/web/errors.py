"""What a refused, unknown or not-signed-in request gets: a page, and refusals audit-logged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from pipeline.core import audit
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from pipeline.operations.accounts.users import as_actor
from pipeline.web.access import NotSignedIn, Refused, StepUpNeeded
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.security import CsrfRefused
from pipeline.web.visits import current_visit

REFUSED_ACTION = "refused"
ANONYMOUS = "(not signed in)"


# ScoutError codes → what a page says in the reader's language; the CLI keeps the English.
SCOUT_ERRORS: dict[str, str] = {
    "export-recipient": N_("An export needs a named recipient and a legal basis."),
    "export-expiry-past": N_("The expiry date %(expires)s is not in the future."),
    "export-expiry-far": N_(
        "The expiry date %(expires)s is more than %(days)s days ahead: exports must expire."
    ),
    "export-folder-used": N_("That export folder is not empty: an export goes into a new folder."),
    "export-too-few": N_(
        "Only %(kept)s of %(total)s adverts meet k=%(k)s and l=%(l)s: the data are too few or "
        "too varied to anonymise. Nothing was written."
    ),
    "export-too-few-venues": N_(
        "Only %(kept)s of %(total)s venues meet k=%(k)s and l=%(l)s: the data are too few or "
        "too varied to anonymise. Nothing was written."
    ),
    "export-floor": N_(
        "k=%(k)s, l=%(l)s is below the floor k≥%(k_floor)s, l≥%(l_floor)s. Nothing was written."
    ),
    "export-format": N_("Unknown export format: use one of %(formats)s."),
    "export-kind": N_("Unknown kind of advert for an export: use one of %(kinds)s."),
    "labels-none": N_("No labelled advert was found in the database."),
    "labels-what": N_(
        "%(where)s: a line needs 'target', 'advert', or 'site' and 'external_id' to say what "
        "it labels."
    ),
    "labels-json": N_("%(where)s: the line is not JSON."),
    "labels-label": N_("%(where)s: the line needs a 'label'."),
    "date-form": N_("%(text)s is not a date of the form 2026-11-30."),
    "date-real": N_("%(text)s is not a date in the calendar."),
    "period-backwards": N_("The period ends (%(last)s) before it starts (%(first)s)."),
    "period-long": N_("A report period is at most ten years."),
}


@dataclass(frozen=True)
class Said:
    """A ScoutError as a page shows it: a catalogue message with its values, or (for an
    error without a catalogue entry) the command line's English text, marked `lang="en"`."""

    message: str | None
    params: dict[str, Any] = field(default_factory=dict)
    english: str | None = None


def said(error: ScoutError) -> Said:
    message = SCOUT_ERRORS.get(error.code or "")
    if message is None:
        return Said(None, english=str(error))
    return Said(message, {key: str(value) for key, value in error.params.items()})


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def audit_refusal(request: Request, why: dict[str, str]) -> None:
    """A `refused` audit entry for this request (also for a page's own refusals)."""
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    visit = current_visit(request)
    actor = (
        as_actor(settings, visit.user)
        if visit.user is not None
        else settings.model_copy(update={"actor": ANONYMOUS, "roles": {ANONYMOUS: "-"}})
    )
    params = {"method": request.method, "path": request.url.path, **why}
    with database.session() as session:
        audit.record(session, actor, REFUSED_ACTION, params=params)


async def _refused(request: Request, exc: Exception) -> Response:
    why = {"key": exc.key} if isinstance(exc, Refused) else {"csrf": getattr(exc, "reason", "")}
    await run_in_threadpool(audit_refusal, request, why)
    message = (
        N_("Your role does not include this page or action.")
        if isinstance(exc, Refused)
        else N_(
            "This form was not sent from Scout's own page, or it is too old. Reload and try again."
        )
    )
    return await run_in_threadpool(
        render, request, "error.html", {"title": N_("Not allowed"), "message": message}, 403
    )


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": "/login"})
    return redirect("/login")


async def _step_up(request: Request, exc: Exception) -> Response:
    back = getattr(exc, "next_path", None)
    context = {"next": back or (request.url.path if request.method == "GET" else "/")}
    return await run_in_threadpool(render, request, "step_up.html", context)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    titles = {404: N_("Page not found"), 405: N_("Page not found")}
    context = {
        "title": titles.get(status, N_("Something went wrong")),
        "message": N_("There is no page at this address.") if status in titles else None,
    }
    return await run_in_threadpool(render, request, "error.html", context, status)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(CsrfRefused, _refused)
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(StepUpNeeded, _step_up)
    app.add_exception_handler(HTTPException, _http_error)
