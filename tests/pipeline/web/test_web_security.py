"""CSRF (fetch metadata or Origin, and the session's token) and the headers on every response."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, WebSession
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.web.security import CSP

from helpers import web_accounts

CSP_PARTS = [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
]  # fmt: skip


@pytest.fixture
def signed_in(client: TestClient, database: Database, settings: Settings):
    account = web_accounts.enrolled(database, settings, "kim", "admin")
    web_accounts.sign_in(client, database, account)
    return client


def _refusals(database: Database) -> list[dict]:
    with database.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused"))
        return [row.params for row in rows]


def _sessions(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(WebSession)).all())


def test_csrf_post_without_token_is_refused_and_audited(
    signed_in: TestClient, database: Database
) -> None:
    response = signed_in.post("/logout")
    assert response.status_code == 403 and "Scouts egen side" in response.text
    assert _sessions(database) == 1  # still signed in: nothing happened
    assert _refusals(database) == [{"method": "POST", "path": "/logout", "csrf": "token"}]


def test_csrf_token_of_another_session_is_refused(
    signed_in: TestClient, database: Database, app
) -> None:
    with web_accounts.client_for(app) as stranger:
        foreign = web_accounts.csrf(stranger.get("/login").text)
    assert signed_in.post("/logout", data={"csrf_token": foreign}).status_code == 403


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({"Sec-Fetch-Site": "same-site"}, False),
        ({"Sec-Fetch-Site": "same-origin", "Origin": "null"}, True),  # no-referrer: Origin null
        ({"Sec-Fetch-Site": None, "Origin": "https://evil.example"}, False),
        ({"Sec-Fetch-Site": None, "Origin": "null"}, False),
        ({"Sec-Fetch-Site": None}, False),
        ({"Sec-Fetch-Site": None, "Origin": "https://testserver"}, True),
    ],
)
def test_csrf_fetch_metadata_and_origin(
    signed_in: TestClient, database: Database, headers: dict, allowed: bool
) -> None:
    token = web_accounts.csrf(signed_in.get("/").text)
    sent = {k: v for k, v in headers.items() if v is not None}
    if "Sec-Fetch-Site" in headers and headers["Sec-Fetch-Site"] is None:
        del signed_in.headers["Sec-Fetch-Site"]
    response = signed_in.post("/session/keepalive", data={"csrf_token": token}, headers=sent)
    assert (response.status_code == 303) is allowed
    if not allowed:
        assert response.status_code == 403
        assert _refusals(database)[-1]["csrf"] == "cross-site"


def test_csrf_htmx_header_token_works(signed_in: TestClient) -> None:
    page = signed_in.get("/").text
    token = web_accounts.csrf(page)
    assert f'hx-headers=\'{{"x-csrf-token": "{token}"}}\'' in page
    assert signed_in.post("/session/keepalive", headers={"X-CSRF-Token": token}).status_code == 204
    assert (
        signed_in.post("/session/keepalive", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    )


def test_csrf_login_form_needs_its_token_too(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    bare = client.post("/login", data={"user_name": "kim", "password": account.password})
    assert bare.status_code == 403
    assert _refusals(database)[-1]["csrf"] == "token"


@pytest.mark.parametrize("path", ["/login", "/", "/account", "/static/scout.css", "/nowhere"])
def test_headers_on_every_response(signed_in: TestClient, path: str) -> None:
    response = signed_in.get(path)
    headers = response.headers
    assert headers["content-security-policy"] == CSP
    assert [part.strip() for part in CSP.split(";")] == CSP_PARTS
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    if not path.startswith("/static/"):
        assert headers["cache-control"] == "no-store"
    assert "server" not in headers or "uvicorn" not in headers["server"]


def test_pages_have_no_inline_script_or_style(signed_in: TestClient) -> None:
    """The CSP forbids them; a template that used one would break in the browser."""
    for path in ("/", "/account", "/account/sessions", "/users", "/nowhere"):
        html = signed_in.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_htmx_history_cache_off_and_vendored(signed_in: TestClient) -> None:
    html = signed_in.get("/").text
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"historyCacheSize": 0' in config and '"includeIndicatorStyles": false' in config
    script = signed_in.get("/static/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000]
