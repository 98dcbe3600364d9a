"""Signing in (password, then TOTP or a recovery code) and signing out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from models import User
from pipeline.core import audit, clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import login, sessions
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.visits import SESSION, clear_cookie, client_address, current_visit, set_cookie

router = APIRouter()

MESSAGES = {
    "wrong": N_("The user name or password is wrong."),
    "wrong code": N_("That code is wrong or was used already. Wait for the next code."),
    "throttled": N_("Too many failed attempts. Wait a few minutes and try again."),
}


def _context(request: Request) -> tuple[Database, Settings]:
    return request.app.state.database, request.app.state.settings


def _user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


@router.get("/login", name="login")
def login_page(request: Request) -> Response:
    if current_visit(request).state == "active":
        return redirect("/")
    return render(request, "login.html", {"expired": "expired" in request.query_params})


@router.post("/login", name="login_submit")
def login_submit(
    request: Request,
    user_name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    database, settings = _context(request)
    visit, now = current_visit(request), clock.now()
    with database.session() as session:
        if visit.row is not None:  # whatever session this browser had ends here
            sessions.end_session(session, visit.row.id)
        result = login.check_password(
            session, settings, user_name, password, client_address(request), now
        )
        if result.outcome == "ok" and result.user is not None:
            opened = sessions.open_session(
                session, settings, result.user, "pending", now, address=client_address(request)
            )
    if result.outcome != "ok":
        error = MESSAGES[result.outcome]
        return render(request, "login.html", {"error": error, "user_name": user_name}, 200)
    response = redirect("/login/code")
    set_cookie(response, settings, SESSION, opened.raw_id)
    return response


@router.get("/login/code", name="login_code")
def login_code(request: Request) -> Response:
    if current_visit(request).state != "pending":
        return redirect("/login")
    return render(request, "login_code.html")


@router.post("/login/code", name="login_code_submit")
def login_code_submit(request: Request, code: Annotated[str, Form(max_length=64)] = "") -> Response:
    database, settings = _context(request)
    visit, now = current_visit(request), clock.now()
    if visit.state != "pending" or visit.user is None or visit.row is None:
        return redirect("/login")
    address = client_address(request)
    with database.session() as session:
        user = session.get(User, visit.user.id)
        assert user is not None  # the session's user; find_live checked it is active
        result = login.check_second_factor(session, settings, user, code, address, now)
        if result.outcome == "ok":
            sessions.end_session(session, visit.row.id)  # a new id for the signed-in session
            opened = sessions.open_session(
                session,
                settings,
                user,
                "active",
                now,
                address=address,
                user_agent=_user_agent(request),
                second_factor=True,
            )
    if result.outcome != "ok":
        key = "throttled" if result.outcome == "throttled" else "wrong code"
        return render(request, "login_code.html", {"error": MESSAGES[key]})
    response = redirect("/")
    set_cookie(response, settings, SESSION, opened.raw_id)
    return response


@router.post("/logout", name="logout")
def logout(request: Request, viewer: Annotated[Viewer, needs("home")]) -> Response:
    database, settings = _context(request)
    with database.session() as session:
        sessions.end_session(session, viewer.session.id)
        audit.record(session, viewer.settings, "logout")
    response = redirect("/login")
    clear_cookie(response, settings, SESSION)
    # nothing of the session may stay in this browser (ASVS 14.3.1)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
