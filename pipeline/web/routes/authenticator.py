"""My account → Set up a new authenticator: password and a current code, then the new app's
QR code, then a code from the new app replaces the old secret (the old app stops working).

Between the steps the new secret is only in a sealed, short-lived cookie bound to this person
and session (`operations.accounts.authenticator`): reloading the QR page shows the same
secret, and nothing is stored until the new app has proved it works.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import authenticator, sessions, totp
from pipeline.web.access import Viewer, needs, own_account
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.routes.account import PASSWORD_CHANGE
from pipeline.web.routes.auth import MESSAGES
from pipeline.web.visits import SESSION, clear_cookie, client_address, cookie_name, set_cookie

router = APIRouter()

PENDING = "scout_totp_setup"
START = "/account/authenticator"
NEW = "/account/authenticator/new"
PROBLEMS = {
    "wrong": PASSWORD_CHANGE["wrong"],
    "throttled": MESSAGES["throttled"],
    "code": MESSAGES["wrong code"],
    "new code": N_(
        "That code is not from the new app, or it was used already. "
        "Enter the six digits the new app shows now."
    ),
    "expired": N_(
        "Setting up the new app took too long, or it was started elsewhere. Start again."
    ),
}


def _start_form(request: Request, problem: str | None = None, status: int = 200) -> Response:
    return render(request, "authenticator.html", {"error": PROBLEMS.get(problem or "")}, status)


def _pending(request: Request, viewer: Viewer) -> str | None:
    settings: Settings = request.app.state.settings
    database: Database = request.app.state.database
    token = request.cookies.get(cookie_name(settings, PENDING), "")
    return authenticator.open_pending(
        database.keyring,
        token,
        viewer.user.id,
        authenticator.session_ref(viewer.session),
        clock.now(),
    )


@router.get(START, name="authenticator")
def authenticator_page(request: Request, viewer: Annotated[Viewer, needs("account")]) -> Response:
    return _start_form(request)


@router.post(START, name="authenticator_start")
def authenticator_start(
    request: Request,
    viewer: Annotated[Viewer, needs("account")],
    password: Annotated[str, Form(max_length=1024)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """The current password and a current code; then a new secret, sealed in a cookie."""
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    now = clock.now()
    with database.session() as session:
        user = own_account(session, viewer)
        problem = authenticator.start(
            session, settings, user, password, code, client_address(request), now
        )
        raw = None if problem else sessions.confirm_second_factor(session, viewer.session.id, now)
    if problem is not None or raw is None:
        return _start_form(request, problem or "expired", 400)
    token = authenticator.seal_pending(
        database.keyring,
        viewer.user.id,
        authenticator.session_ref(viewer.session),
        totp.new_secret(),
        now,
    )
    response = redirect(NEW)
    set_cookie(response, settings, SESSION, raw)  # a new session id after a second factor
    set_cookie(response, settings, PENDING, token, max_age=authenticator.SETUP_MINUTES * 60)
    return response


def _new_form(
    request: Request, viewer: Viewer, secret: str, problem: str | None = None
) -> Response:
    context = {
        "qr": totp.qr_svg_data_uri(secret, viewer.user.name),
        "secret": totp.grouped(secret),
        "error": PROBLEMS.get(problem or ""),
    }
    return render(request, "authenticator_new.html", context, 400 if problem else 200)


@router.get(NEW, name="authenticator_new")
def authenticator_new(request: Request, viewer: Annotated[Viewer, needs("account")]) -> Response:
    secret = _pending(request, viewer)
    if secret is None:
        return _start_form(request, "expired")
    return _new_form(request, viewer, secret)


@router.post(NEW, name="authenticator_confirm")
def authenticator_confirm(
    request: Request,
    viewer: Annotated[Viewer, needs("account")],
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """A code from the new app replaces the secret; the other sessions end."""
    secret = _pending(request, viewer)
    if secret is None:
        return _start_form(request, "expired", 400)
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    now = clock.now()
    with database.session() as session:
        user = own_account(session, viewer)
        ended = authenticator.finish(session, settings, user, secret, code, viewer.session.id, now)
        raw = (
            None
            if ended is None
            else sessions.confirm_second_factor(session, viewer.session.id, now)
        )
    if raw is None:
        return _new_form(request, viewer, secret, "new code")
    response = redirect("/account?changed=authenticator")
    set_cookie(response, settings, SESSION, raw)
    clear_cookie(response, settings, PENDING)
    return response
