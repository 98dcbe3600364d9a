"""Deny by default: every route has a role-matrix key or a stated public reason; every role
gets exactly what the matrix says, and a refusal is a 403 page in the audit log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry
from pipeline.core import roles
from pipeline.core.db import Database
from pipeline.core.settings import ROLES, Settings
from pipeline.web.access import PUBLIC, all_routes, check_routes, route_keys, undeclared_routes
from pipeline.web.main import create_app
from pipeline.web.pages import PAGES

from helpers import web_accounts


def _routes(app: FastAPI) -> list:
    return list(all_routes(app.routes))


def test_routes_every_route_has_a_key_or_a_public_reason(app: FastAPI) -> None:
    routes = _routes(app)
    assert undeclared_routes(app.routes) == []
    for route in routes:
        keys = route_keys(route.dependant) if isinstance(route, APIRoute) else []
        assert bool(keys) != (route.name in PUBLIC), route.name  # one or the other, not both
        for key in keys:
            assert roles.allowed_roles(key) is not None, key
    assert set(PUBLIC) <= {route.name for route in routes}  # no stale public entries
    assert all(reason.strip() for reason in PUBLIC.values())


def test_routes_an_undeclared_route_stops_the_app(app: FastAPI) -> None:
    @app.get("/forgotten", name="forgotten")
    def forgotten() -> str:
        return "open to all"

    with pytest.raises(RuntimeError, match="forgotten"):
        check_routes(app)


def test_routes_a_key_missing_from_the_matrix_is_an_error() -> None:
    from pipeline.web.access import Access

    with pytest.raises(ValueError, match="no entry"):
        Access("teleport")


def _get_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in _routes(app):
        if isinstance(route, APIRoute) and "GET" in route.methods and "{" not in route.path:
            for key in route_keys(route.dependant):
                found.append((route.path, key))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_routes_every_page_times_role(
    role: str, app: FastAPI, client: TestClient, database: Database, settings: Settings,
) -> None:  # fmt: skip
    account = web_accounts.enrolled(database, settings, f"u-{role}", role)
    web_accounts.sign_in(client, database, account)
    for path, key in _get_routes(app):
        response = client.get(path)
        expected = 200 if roles.is_allowed(key, role) else 403
        assert response.status_code == expected, (path, role)
        if expected == 403:
            assert "Din rolle giver ikke adgang" in response.text
    with database.session() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    denied = [p for p, k in _get_routes(app) if not roles.is_allowed(k, role)]
    assert sorted(e.params["path"] for e in refused) == sorted(denied)
    assert all(e.actor == f"u-{role}" and e.role == role for e in refused)


def test_routes_signed_out_visitors_are_sent_to_sign_in(app: FastAPI, client: TestClient) -> None:
    for path, _ in _get_routes(app):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert client.get("/", headers={"HX-Request": "true"}).headers["hx-redirect"] == "/login"


@pytest.mark.parametrize("role", ROLES)
def test_routes_nav_shows_only_allowed_pages(
    role: str, client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, f"u-{role}", role)
    web_accounts.sign_in(client, database, account)
    html = client.get("/").text
    for page in PAGES:
        assert (f'href="{page.path}"' in html) is roles.is_allowed(page.key, role), page.path


def test_routes_admin_page_and_end_all_sessions(
    app: FastAPI, client: TestClient, database: Database, settings: Settings
) -> None:
    admin = web_accounts.enrolled(database, settings, "boss", "admin")
    worker = web_accounts.enrolled(database, settings, "kim", "outreach")
    web_accounts.sign_in(client, database, admin)
    with web_accounts.client_for(app) as other:
        web_accounts.sign_in(other, database, worker)
        assert other.get("/").status_code == 200
        page = client.get("/users")
        assert "Afslut alle sessioner for kim" in page.text
        response = client.post(
            "/users/kim/end-sessions", data={"csrf_token": web_accounts.csrf(page.text)}
        )
        assert response.headers["location"] == "/users"
        assert other.get("/").headers["location"] == "/login"
        # and an outreach worker may not do the same
        web_accounts.sign_in(other, database, worker)
        token = web_accounts.csrf(other.get("/").text)
        assert other.post("/users/boss/end-sessions", data={"csrf_token": token}).status_code == 403
    assert client.get("/").status_code == 200


def test_routes_app_builds_from_settings_alone(database: Database, settings: Settings) -> None:
    """What uvicorn does: create_app() with the configured database."""
    app = create_app(settings)
    try:
        assert undeclared_routes(app.routes) == []
    finally:
        app.state.database.dispose()
