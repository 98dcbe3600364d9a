"""Signing in through the pages: two steps, rotation, cookie flags, throttling, audit, ends."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, User, WebSession
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings

from helpers import web_accounts

COOKIE = "__Host-scout_session"


def _audit(database: Database, action: str = "login") -> list[AuditEntry]:
    with database.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def _cookie(value: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={value}"}


def _password(client: TestClient, name: str, password: str):
    return web_accounts.post_form(client, "/login", {"user_name": name, "password": password})


def test_login_two_steps_then_home(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    assert client.get("/").headers["location"] == "/login"
    response = _password(client, "kim", account.password)
    assert response.status_code == 303 and response.headers["location"] == "/login/code"
    assert client.get("/").headers["location"] == "/login"  # a password alone opens nothing
    pending = client.cookies[COOKIE]
    response = web_accounts.post_form(
        client, "/login/code", {"code": web_accounts.fresh_code(database, account)}
    )
    assert response.headers["location"] == "/"
    assert client.cookies[COOKIE] != pending  # a new session id at sign-in
    home = client.get("/")
    assert home.status_code == 200 and "Kim" in home.text and "kim" in home.text
    outcomes = [(e.actor, e.params["step"], e.params["outcome"]) for e in _audit(database)]
    assert outcomes == [("kim", "password", "ok"), ("kim", "second factor", "ok")]
    assert all(e.params["address"] == "testclient" for e in _audit(database))


def test_login_old_pending_session_id_is_void(
    client: TestClient, database: Database, settings: Settings, app
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    _password(client, "kim", account.password)
    pending = client.cookies[COOKIE]
    web_accounts.post_form(
        client, "/login/code", {"code": web_accounts.fresh_code(database, account)}
    )
    active = client.cookies[COOKIE]
    with web_accounts.client_for(app) as other:
        assert other.get("/", headers=_cookie(pending)).headers["location"] == "/login"
        assert other.get("/", headers=_cookie(active)).status_code == 200  # the cookie counts


def test_login_cookie_flags(client: TestClient, database: Database, settings: Settings) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    response = _password(client, "kim", account.password)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for flag in ("HttpOnly", "Path=/", "SameSite=strict", "Secure"):
        assert flag.lower() in cookie.lower(), flag
    assert "domain" not in cookie.lower() and "max-age" not in cookie.lower()


def test_login_wrong_password_and_unknown_user_answer_alike(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.enrolled(database, settings, "kim", "outreach")
    wrong = _password(client, "kim", "not the password at all")
    unknown = _password(client, "nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    message = "Brugernavnet eller adgangskoden er forkert."
    assert message in wrong.text and message in unknown.text
    entries = _audit(database)
    assert [(e.actor, e.params["outcome"]) for e in entries] == [
        ("kim", "wrong"),
        ("(unknown user)", "wrong"),
    ]
    assert not any("not the password" in str(e.params) for e in entries)


def test_login_throttled_after_five_failures_until_the_lock_ends(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    for _ in range(6):
        _password(client, "kim", "not the password at all")
    refused = _password(client, "kim", account.password)  # right, but locked
    assert "For mange mislykkede forsøg" in refused.text
    assert _audit(database)[-1].params["outcome"] == "throttled"
    clock.set_now(clock.now() + timedelta(seconds=31))
    assert _password(client, "kim", account.password).status_code == 303


def test_login_totp_code_of_enrolment_or_last_login_is_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    used = pyotp.TOTP(account.secret).at(clock.now())  # confirmed at enrolment
    _password(client, "kim", account.password)
    response = web_accounts.post_form(client, "/login/code", {"code": used})
    assert response.status_code == 200 and "allerede brugt" in response.text
    assert _audit(database)[-1].params == {
        "step": "second factor",
        "outcome": "wrong",
        "address": "testclient",
    }


def test_login_with_a_recovery_code_once(
    client: TestClient, database: Database, settings: Settings, app
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    code = account.recovery_codes[3]
    _password(client, "kim", account.password)
    assert web_accounts.post_form(client, "/login/code", {"code": code}).headers["location"] == "/"
    assert _audit(database)[-1].params["factor"] == "recovery"
    with web_accounts.client_for(app) as other:
        _password(other, "kim", account.password)
        assert web_accounts.post_form(other, "/login/code", {"code": code}).status_code == 200


def test_login_rehashes_a_password_made_with_old_parameters(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(account.password)
    with database.session() as session:
        session.scalar(select(User).where(User.name == "kim")).password_hash = old
    web_accounts.sign_in(client, database, account)
    with database.session() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "kim"))
    assert stored != old and "m=19456,t=2,p=1" in stored


def test_login_disabled_or_unenrolled_accounts_cannot_sign_in(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    with database.session() as session:
        session.scalar(select(User).where(User.name == "kim")).active = False
    assert _password(client, "kim", account.password).status_code == 200


def test_logout_ends_the_session(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    web_accounts.sign_in(client, database, account)
    cookie = client.cookies[COOKIE]
    response = web_accounts.post_form(client, "/logout", {}, page="/")
    assert response.headers["location"] == "/login"
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    with database.session() as session:
        assert session.scalars(select(WebSession)).all() == []
    client.cookies.clear()
    assert client.get("/", headers=_cookie(cookie)).headers["location"] == "/login"
    assert [e.actor for e in _audit(database, "logout")] == ["kim"]


def test_idle_timeout_and_keepalive(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    web_accounts.sign_in(client, database, account)
    token = web_accounts.csrf(client.get("/").text)
    clock.set_now(clock.now() + timedelta(minutes=14))
    kept = client.post("/session/keepalive", headers={"X-CSRF-Token": token})
    assert kept.status_code == 204
    clock.set_now(clock.now() + timedelta(minutes=14))
    assert client.get("/").status_code == 200  # 28 minutes, but never 15 idle
    clock.set_now(clock.now() + timedelta(minutes=15, seconds=1))
    assert client.get("/").headers["location"] == "/login"


def test_home_page_has_the_idle_warning_with_the_setting(
    client: TestClient, database: Database, settings: Settings
) -> None:
    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    web_accounts.sign_in(client, database, account)
    page = client.get("/").text
    assert 'data-idle-seconds="900"' in page and 'data-warn-seconds="60"' in page
    assert 'id="idle-warning"' in page and 'action="/session/keepalive"' in page


def test_login_cookie_without_secure_for_plain_http_tests(
    database: Database, settings: Settings, now
) -> None:
    """web_secure_cookie = false: no Secure flag, so no __Host- prefix either (browsers
    refuse a __Host- cookie without Secure)."""
    from pipeline.web.main import create_app

    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    app = create_app(settings.model_copy(update={"web_secure_cookie": False}), database)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as plain:
        plain.headers["Sec-Fetch-Site"] = "same-origin"
        response = _password(plain, "kim", account.password)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("scout_session=") and "secure" not in cookie.lower()
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
