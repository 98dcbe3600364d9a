"""My account: language choice, recovery codes left, and my sessions (list, end one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from models import User
from pipeline.core import audit, clock
from pipeline.core.db import Database
from pipeline.operations.accounts import recovery, sessions
from pipeline.web.access import Viewer, needs, require_recent_second_factor
from pipeline.web.errors import redirect
from pipeline.web.i18n import pick_language
from pipeline.web.render import render
from pipeline.web.visits import SESSION, clear_cookie

router = APIRouter()


@router.get("/account", name="account")
def account(request: Request, viewer: Annotated[Viewer, needs("account")]) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        left = recovery.remaining(session, viewer.user)
    return render(request, "account.html", {"codes_left": left})


@router.post("/account/language", name="account_language")
def account_language(
    request: Request,
    viewer: Annotated[Viewer, needs("account")],
    language: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        user = session.get(User, viewer.user.id)
        assert user is not None
        user.language = pick_language(language)
    return redirect("/account")


@router.get("/account/sessions", name="sessions")
def my_sessions(request: Request, viewer: Annotated[Viewer, needs("sessions")]) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        rows = sessions.live_sessions(
            session, request.app.state.settings, viewer.user.id, clock.now()
        )
    return render(request, "sessions.html", {"rows": rows, "current": viewer.session.id})


@router.post("/account/sessions/{session_id}/end", name="session_end")
def end_session(
    request: Request, session_id: int, viewer: Annotated[Viewer, needs("sessions")]
) -> Response:
    if session_id != viewer.session.id:  # ending one's own is signing out: no code needed
        require_recent_second_factor(viewer, next_path="/account/sessions")
    database: Database = request.app.state.database
    with database.session() as session:
        ended = sessions.end_session(session, session_id, viewer.user.id)
        if ended:
            audit.record(session, viewer.settings, "session end", params={"session": session_id})
    if session_id == viewer.session.id:
        response = redirect("/login")
        clear_cookie(response, request.app.state.settings, SESSION)
        return response
    return redirect("/account/sessions")
