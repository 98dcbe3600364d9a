"""Who is asking: the session cookie resolved against the sessions table, once per request.

Anonymous visitors get a random seed cookie instead, so that the sign-in form has a
CSRF token too. Both cookies are HttpOnly, SameSite=Strict, Path=/ and, unless
`web_secure_cookie` is off for plain-HTTP loopback tests, Secure with the __Host- prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from models import User, WebSession
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import sessions

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def cookie_name(settings: Settings, base: str) -> str:
    # Browsers accept a __Host- cookie only with Secure, Path=/ and no Domain.
    return f"__Host-{base}" if settings.web_secure_cookie else base


def set_cookie(
    response: Response, settings: Settings, base: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        cookie_name(settings, base),
        value,
        max_age=max_age,
        secure=settings.web_secure_cookie,
        httponly=True,
        samesite="strict",
        path="/",
    )


def clear_cookie(response: Response, settings: Settings, base: str) -> None:
    response.delete_cookie(
        cookie_name(settings, base),
        secure=settings.web_secure_cookie,
        httponly=True,
        samesite="strict",
        path="/",
    )


SESSION = "scout_session"
SEED = "scout_csrf"


@dataclass(frozen=True)
class Visit:
    """This request's session (None for anonymous visitors) and its CSRF token."""

    row: WebSession | None
    user: User | None
    csrf: str

    @property
    def state(self) -> str | None:
        return self.row.state if self.row else None


def _token(database: Database, kind: str, secret: str) -> str:
    key = database.keyring.derive("web-csrf/v1")
    return hmac.new(key, f"{kind}:{secret}".encode(), hashlib.sha256).hexdigest()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def current_visit(request: Request) -> Visit:
    """Resolve the cookie (cached on the request); marks a live session as seen now."""
    cached = getattr(request.state, "visit", None)
    if cached is not None:
        return cached
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    raw = request.cookies.get(cookie_name(settings, SESSION))
    found = None
    if raw:
        with database.session() as session:
            found = sessions.find_live(session, settings, raw, clock.now())
    if found is not None:
        visit = Visit(found[0], found[1], _token(database, "session", raw or ""))
    else:
        visit = Visit(None, None, _token(database, "seed", seed(request)))
    request.state.visit = visit
    return visit


def seed(request: Request) -> str:
    """The anonymous visitor's seed: from the cookie, or a new one the middleware will set."""
    settings: Settings = request.app.state.settings
    value = request.cookies.get(cookie_name(settings, SEED))
    if not value:
        value = getattr(request.state, "new_seed", None) or secrets.token_urlsafe(32)
        request.state.new_seed = value
    return value


def forget(request: Request) -> None:
    """Drop the cached visit after the session changed (sign-in, sign-out)."""
    request.state.visit = None
