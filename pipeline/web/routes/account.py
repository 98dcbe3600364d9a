"""My account: language choice, password change, new recovery codes, and my sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pipeline.core import audit, clock
from pipeline.core.db import Database
from pipeline.operations.accounts import recovery, sessions
from pipeline.operations.accounts.passwords import MIN_LENGTH
from pipeline.operations.accounts.users import change_password
from pipeline.web.access import Viewer, needs, own_account, require_recent_second_factor
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_, pick_language
from pipeline.web.render import render
from pipeline.web.routes.auth import MESSAGES
from pipeline.web.routes.enrol import PASSWORD_PROBLEMS
from pipeline.web.visits import SESSION, clear_cookie

router = APIRouter()

# the enrolment's rule and words for a new password, and the sign-in's for too many tries
PASSWORD_CHANGE = {
    **PASSWORD_PROBLEMS,
    "wrong": N_("Your current password is wrong."),
    "throttled": MESSAGES["throttled"],
    "same": N_("The new password is the same as the current one."),
}


@router.get("/account", name="account")
def account(request: Request, viewer: Annotated[Viewer, needs("account")]) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        left = recovery.remaining(session, viewer.user)
    changed = request.query_params.get("changed")
    return render(request, "account.html", {"codes_left": left, "changed": changed})


@router.post("/account/language", name="account_language")
def account_language(
    request: Request,
    viewer: Annotated[Viewer, needs("account")],
    language: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        user = own_account(session, viewer)
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


def _password_form(request: Request, problem: str | None = None, status: int = 200) -> Response:
    context = {"min_length": MIN_LENGTH, "error": PASSWORD_CHANGE.get(problem or "")}
    return render(request, "password.html", context, status)


@router.get("/account/password", name="password")
def password_page(request: Request, viewer: Annotated[Viewer, needs("account")]) -> Response:
    return _password_form(request)


@router.post("/account/password", name="password_submit")
def password_submit(
    request: Request,
    viewer: Annotated[Viewer, needs("account")],
    current: Annotated[str, Form(max_length=1024)] = "",
    password: Annotated[str, Form(max_length=2048)] = "",
    password_again: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    """Current password required, the enrolment rule for the new one; other sessions end."""
    if password != password_again:
        return _password_form(request, "different", 400)
    database: Database = request.app.state.database
    with database.session() as session:
        user = own_account(session, viewer)
        problem = change_password(
            session, viewer.settings, user, current, password, clock.now(), viewer.session.id
        )
    if problem is not None:
        return _password_form(request, problem, 400)
    return redirect("/account?changed=password")


@router.post("/account/recovery-codes", name="recovery_codes_new")
def recovery_codes_new(request: Request, viewer: Annotated[Viewer, needs("account")]) -> Response:
    """Ten new recovery codes (the old ones stop working), shown once; needs a recent code."""
    require_recent_second_factor(viewer, next_path="/account")
    database: Database = request.app.state.database
    with database.session() as session:
        user = own_account(session, viewer)
        codes = recovery.issue_codes(session, user)
        audit.record(session, viewer.settings, "recovery codes new", counts={"codes": len(codes)})
    return render(request, "recovery_codes.html", {"codes": codes, "back": "/account"})
