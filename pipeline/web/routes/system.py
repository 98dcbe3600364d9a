"""Health for the proxy, "stay signed in", and the step-up confirmation of a second factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, Response

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.operations.accounts import login, sessions
from pipeline.web.access import Viewer, needs, own_account
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.visits import CSRF_HEADER, SESSION, client_address, set_cookie

router = APIRouter()


@router.get("/health", name="health")
def health() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.post("/session/keepalive", name="keepalive")
def keepalive(request: Request, viewer: Annotated[Viewer, needs("home")]) -> Response:
    """Loading the session marked it as used; the script gets 204, a plain form a redirect."""
    return Response(status_code=204) if CSRF_HEADER in request.headers else redirect("/")


def _local(path: str) -> str:
    """Only a path on this site: never an open redirect."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


@router.post("/step-up", name="step_up")
def step_up(
    request: Request,
    viewer: Annotated[Viewer, needs("home")],
    code: Annotated[str, Form(max_length=64)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/",
) -> Response:
    database: Database = request.app.state.database
    now = clock.now()
    with database.session() as session:
        user = own_account(session, viewer)
        result = login.check_second_factor(
            session, viewer.settings, user, code, client_address(request), now
        )
        raw = None
        if result.outcome == "ok":
            raw = sessions.confirm_second_factor(session, viewer.session.id, now)
    if raw is None:
        error = N_("That code is wrong or was used already. Wait for the next code.")
        return render(request, "step_up.html", {"next": _local(next_path), "error": error})
    response = redirect(_local(next_path))
    set_cookie(response, request.app.state.settings, SESSION, raw)
    return response
