"""Deny by default: every route names its role-matrix key, or is public for a stated reason.

A route declares its key with a parameter `viewer: Annotated[Viewer, needs("key")]`; the
key is looked up in the same `pipeline.core.roles.MATRIX` the CLI reads. `check_routes`
refuses to build an app in which a route does neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute, Mount

from models import User, WebSession
from pipeline.core import clock, roles
from pipeline.core.settings import Settings
from pipeline.operations.accounts import sessions
from pipeline.operations.accounts.users import as_actor
from pipeline.web.visits import current_visit

# Route name → why anyone may open it without signing in.
PUBLIC: dict[str, str] = {
    "login": "the sign-in form itself",
    "login_submit": "checks the password (throttled, audited)",
    "login_code": "second sign-in step; needs the pending session of a correct password",
    "login_code_submit": "checks the second factor of a pending session (throttled, audited)",
    "enrol_start": "the enrolment link's landing page; the one-time token is the credential",
    "enrol_begin": "exchanges the one-time token for an enrolment session",
    "enrol": "needs an enrolment session",
    "enrol_submit": "needs an enrolment session",
    "health": "liveness for the proxy and monitoring; says nothing but ok",
    "static": "stylesheet, htmx and the session script: no data",
}


class NotSignedIn(Exception):
    """No active session: the browser goes to the sign-in page."""


class Refused(Exception):
    """The signed-in person's role does not have this key in the role matrix."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class StepUpNeeded(Exception):
    """The action needs a second factor entered in the last few minutes.

    `next_path` is where the confirmation returns to: the page the action is on (a GET
    address), since the action itself is repeated by hand after confirming.
    """

    def __init__(self, next_path: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True)
class Viewer:
    """The signed-in person of this request."""

    user: User
    session: WebSession
    csrf: str
    settings: Settings  # the app's settings with this person as actor (audit, role checks)

    @property
    def role(self) -> str:
        return self.user.role


class Access:
    """The dependency behind `needs(key)`: an active session whose role the matrix allows."""

    def __init__(self, key: str) -> None:
        if roles.allowed_roles(key) is None:
            raise ValueError(f"{key!r} has no entry in pipeline.core.roles.MATRIX")
        self.key = key

    def __call__(self, request: Request) -> Viewer:
        visit = current_visit(request)
        if visit.user is None or visit.row is None or visit.state != "active":
            raise NotSignedIn
        if not roles.is_allowed(self.key, visit.user.role):
            raise Refused(self.key)
        settings = as_actor(request.app.state.settings, visit.user)
        return Viewer(visit.user, visit.row, visit.csrf, settings)


def own_account(session: Session, viewer: Viewer) -> User:
    """The signed-in person's account row in `session`, to change it (the session's user
    is alive: `find_live` checked it moments ago)."""
    user = session.get(User, viewer.user.id)
    assert user is not None
    return user


def needs(key: str) -> Any:
    """Annotate a route's viewer parameter with this: `Annotated[Viewer, needs("targets")]`."""
    return Depends(Access(key))


def require_recent_second_factor(
    viewer: Viewer, minutes: int = 15, next_path: str | None = None, now: datetime | None = None
) -> None:
    """Raise StepUpNeeded unless the session's last TOTP or recovery code is that recent.

    The app answers StepUpNeeded with a "confirm with your code" form that returns to the
    page; a reveal calls this before showing anything.
    """
    if not sessions.second_factor_within(viewer.session, now or clock.now(), minutes):
        raise StepUpNeeded(next_path)


def route_keys(dependant: Dependant) -> list[str]:
    """Every role-matrix key a route's dependencies declare."""
    found = [dependant.call.key] if isinstance(dependant.call, Access) else []
    for sub in dependant.dependencies:
        found.extend(route_keys(sub))
    return found


def all_routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, also inside included routers (newer FastAPI keeps those as one entry)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from all_routes(inner.routes)
        else:
            yield route


def undeclared_routes(routes: list[BaseRoute]) -> list[str]:
    """Routes with neither a role-matrix key nor a place in PUBLIC."""
    missing = []
    for route in all_routes(routes):
        name = getattr(route, "name", None) or repr(route)
        if name in PUBLIC:
            continue
        if isinstance(route, APIRoute) and route_keys(route.dependant):
            continue
        if isinstance(route, Mount):
            missing.append(f"{name} (a mount: add it to PUBLIC with a reason)")
        else:
            missing.append(name)
    return missing


def check_routes(app: FastAPI) -> None:
    missing = undeclared_routes(app.routes)
    if missing:
        raise RuntimeError(f"routes without a role-matrix key: {', '.join(missing)}")
