"""My account (language), my sessions (list, end one, end this one) and the step-up check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, WebSession
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.web.access import Viewer, needs, require_recent_second_factor
from pipeline.web.main import create_app

from helpers import web_accounts


@pytest.fixture
def kim(now, database: Database, settings: Settings):
    return web_accounts.enrolled(database, settings, "kim", "outreach")


def test_account_language_switch(client: TestClient, database: Database, kim) -> None:
    web_accounts.sign_in(client, database, kim)
    page = client.get("/account").text
    assert '<html lang="da">' in page and "Min konto" in page
    assert "Gendannelseskoder tilbage</dt><dd>10</dd>" in page
    response = web_accounts.post_form(
        client, "/account/language", {"language": "en"}, page="/account"
    )
    assert response.headers["location"] == "/account"
    page = client.get("/account").text
    assert '<html lang="en">' in page and "My account" in page
    web_accounts.post_form(client, "/account/language", {"language": "xx"}, page="/account")
    assert '<html lang="da">' in client.get("/account").text  # unknown: the default


def _two_sessions(app: FastAPI, client: TestClient, database: Database, kim):
    web_accounts.sign_in(client, database, kim)
    other = web_accounts.client_for(app)
    web_accounts.sign_in(other, database, kim)
    return other


def test_sessions_list_and_end_another(
    app: FastAPI, client: TestClient, database: Database, kim
) -> None:
    other = _two_sessions(app, client, database, kim)
    page = client.get("/account/sessions").text
    ids = [int(i) for i in re.findall(r"/account/sessions/(\d+)/end", page)]
    assert len(ids) == 2 and "(denne)" in page
    assert "2. dec. 2026" in page  # CLDR medium date in Danish
    with database.session() as session:
        mine = {row.id for row in session.scalars(select(WebSession))}
    assert set(ids) == mine
    current = max(ids)  # the second sign-in is the other client's
    response = client.post(
        f"/account/sessions/{current}/end", data={"csrf_token": web_accounts.csrf(page)}
    )
    assert response.headers["location"] == "/account/sessions"
    assert other.get("/").headers["location"] == "/login"
    assert client.get("/").status_code == 200
    with database.session() as session:
        ended = session.scalars(select(AuditEntry).where(AuditEntry.action == "session end"))
        assert [e.params["session"] for e in ended] == [current]
    other.close()


def test_sessions_ending_another_needs_a_recent_code(
    app: FastAPI, client: TestClient, database: Database, kim
) -> None:
    other = _two_sessions(app, client, database, kim)
    clock.set_now(clock.now() + timedelta(minutes=10))
    client.get("/"), other.get("/")  # both in use: the idle timeout does not strike
    clock.set_now(clock.now() + timedelta(minutes=6))  # the sign-in code is 16 minutes old
    page = client.get("/account/sessions").text
    others = max(int(i) for i in re.findall(r"/account/sessions/(\d+)/end", page))
    asked = client.post(
        f"/account/sessions/{others}/end", data={"csrf_token": web_accounts.csrf(page)}
    )
    assert 'action="/step-up"' in asked.text, asked.headers
    assert 'name="next" value="/account/sessions"' in asked.text
    assert other.get("/").status_code == 200  # nothing ended yet
    before = client.cookies["__Host-scout_session"]
    confirmed = client.post(
        "/step-up",
        data={
            "csrf_token": web_accounts.csrf(asked.text),
            "code": web_accounts.fresh_code(database, kim),
            "next": "/account/sessions",
        },
    )
    assert confirmed.headers["location"] == "/account/sessions"
    assert client.cookies["__Host-scout_session"] != before  # a new id at re-authentication
    page = client.get("/account/sessions").text
    response = client.post(
        f"/account/sessions/{others}/end", data={"csrf_token": web_accounts.csrf(page)}
    )
    assert response.headers["location"] == "/account/sessions"
    assert other.get("/").headers["location"] == "/login"
    other.close()


def test_sessions_end_this_one_signs_out(client: TestClient, database: Database, kim) -> None:
    web_accounts.sign_in(client, database, kim)
    page = client.get("/account/sessions").text
    only = re.search(r"/account/sessions/(\d+)/end", page).group(1)
    response = client.post(
        f"/account/sessions/{only}/end", data={"csrf_token": web_accounts.csrf(page)}
    )
    assert response.headers["location"] == "/login"
    assert client.get("/").headers["location"] == "/login"


def test_sessions_cannot_end_someone_elses(
    app: FastAPI, client: TestClient, database: Database, settings: Settings, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    ali = web_accounts.enrolled(database, settings, "ali", "outreach")
    with web_accounts.client_for(app) as other:
        web_accounts.sign_in(other, database, ali)
        with database.session() as session:
            alis = session.scalars(select(WebSession.id).order_by(WebSession.id.desc())).first()
        page = client.get("/account/sessions").text
        client.post(f"/account/sessions/{alis}/end", data={"csrf_token": web_accounts.csrf(page)})
        assert other.get("/").status_code == 200


@pytest.fixture
def guarded(database: Database, settings: Settings) -> Iterator[TestClient]:
    """A stand-in for the reveal page of a later slice: it needs a recent second factor.
    (Idle timeout one hour, so that 16 quiet minutes leave the session alive.)"""
    app = create_app(settings.model_copy(update={"web_idle_timeout_seconds": 3600}), database)

    @app.get("/test/reveal", name="test_reveal")
    def reveal(request: Request, viewer: Annotated[Viewer, needs("home")]) -> PlainTextResponse:
        require_recent_second_factor(viewer, minutes=15)
        return PlainTextResponse("revealed")

    with web_accounts.client_for(app) as client:
        yield client


def test_step_up_within_15_minutes_of_the_last_code(
    guarded: TestClient, database: Database, kim
) -> None:
    client = guarded
    web_accounts.sign_in(client, database, kim)
    assert client.get("/test/reveal").text == "revealed"  # the sign-in code counts
    clock.set_now(clock.now() + timedelta(minutes=16))
    form = client.get("/test/reveal")
    assert form.status_code == 200 and 'action="/step-up"' in form.text
    assert 'name="next" value="/test/reveal"' in form.text
    token = web_accounts.csrf(form.text)
    wrong = client.post("/step-up", data={"csrf_token": token, "code": "000000", "next": "/"})
    assert "Koden er forkert" in wrong.text
    code = web_accounts.fresh_code(database, kim)
    confirmed = client.post(
        "/step-up", data={"csrf_token": token, "code": code, "next": "/test/reveal"}
    )
    assert confirmed.headers["location"] == "/test/reveal"
    assert client.get("/test/reveal").text == "revealed"


def test_step_up_never_redirects_off_site(client: TestClient, database: Database, kim) -> None:
    web_accounts.sign_in(client, database, kim)
    token = web_accounts.csrf(client.get("/").text)
    code = web_accounts.fresh_code(database, kim)
    response = client.post(
        "/step-up", data={"csrf_token": token, "code": code, "next": "//evil.example/x"}
    )
    assert response.headers["location"] == "/"
