"""Enrolment from the one-time link: set a password, scan the TOTP QR code, confirm a code,
and see the recovery codes once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from models import User
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import sessions, totp
from pipeline.operations.accounts.passwords import MIN_LENGTH, weakness
from pipeline.operations.accounts.users import complete_enrolment, find_enrolling
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.visits import SESSION, client_address, current_visit, set_cookie

router = APIRouter()

PASSWORD_PROBLEMS = {
    "short": N_("The password is too short: use at least 12 characters."),
    "long": N_("The password is too long."),
    "weak": N_("This password is too easy to guess. A few unrelated words make a good one."),
    "different": N_("The two passwords are not the same."),
    "code": N_("That code is wrong. Enter the six digits your app shows now."),
}
INVALID_LINK = N_(
    "This enrolment link does not work: it was used, it expired, or a part is missing. "
    "Ask an admin for a new one."
)


def _invalid(request: Request) -> Response:
    context = {"title": N_("Enrolment"), "message": INVALID_LINK}
    return render(request, "error.html", context, 404)


@router.get("/enrol/start", name="enrol_start")
def enrol_start(request: Request, token: Annotated[str, Query(max_length=100)] = "") -> Response:
    """The link's page only shows a button: link previews and cross-site visits change nothing."""
    database: Database = request.app.state.database
    with database.session() as session:
        user = find_enrolling(session, token, clock.now())
    if user is None:
        return _invalid(request)
    return render(request, "enrol_start.html", {"user": user, "token": token})


@router.post("/enrol/start", name="enrol_begin")
def enrol_begin(request: Request, token: Annotated[str, Form(max_length=100)] = "") -> Response:
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    now = clock.now()
    with database.session() as session:
        user = find_enrolling(session, token, now)
        if user is not None:
            sessions.end_all(session, user.id)
            user.totp_secret = totp.new_secret()  # a fresh secret each time the link is used
            user.totp_last_step = None
            opened = sessions.open_session(
                session, settings, user, "enrol", now, address=client_address(request)
            )
    if user is None:
        return _invalid(request)
    response = redirect("/enrol")
    set_cookie(response, settings, SESSION, opened.raw_id)
    return response


def _form(request: Request, user: User, problem: str | None = None) -> Response:
    assert user.totp_secret is not None
    context = {
        "user": user,
        "qr": totp.qr_svg_data_uri(user.totp_secret, user.name),
        "secret": totp.grouped(user.totp_secret),
        "min_length": MIN_LENGTH,
        "error": PASSWORD_PROBLEMS.get(problem or ""),
    }
    return render(request, "enrol.html", context)


@router.get("/enrol", name="enrol")
def enrol(request: Request) -> Response:
    visit = current_visit(request)
    if visit.state != "enrol" or visit.user is None:
        return _invalid(request)
    return _form(request, visit.user)


@router.post("/enrol", name="enrol_submit")
def enrol_submit(
    request: Request,
    password: Annotated[str, Form(max_length=2048)] = "",
    password_again: Annotated[str, Form(max_length=2048)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    visit, now = current_visit(request), clock.now()
    if visit.state != "enrol" or visit.user is None or visit.row is None:
        return _invalid(request)
    user = visit.user
    assert user.totp_secret is not None
    problem = weakness(password, [user.name, user.display_name])
    if problem is None and password != password_again:
        problem = "different"
    step = totp.matching_step(user.totp_secret, code, now, None)
    if problem is None and step is None:
        problem = "code"
    if problem is not None or step is None:
        return _form(request, user, problem)
    with database.session() as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        enrolled = complete_enrolment(session, settings, fresh, password, step, now)
        sessions.end_session(session, visit.row.id)
        opened = sessions.open_session(
            session,
            settings,
            fresh,
            "active",
            now,
            address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
            second_factor=True,
        )
    response = render(request, "recovery_codes.html", {"codes": enrolled.recovery_codes})
    set_cookie(response, settings, SESSION, opened.raw_id)
    return response
