"""Helpers for the web tests: enrolled accounts, signing in through the forms, CSRF tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient

from models import User
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import totp
from pipeline.operations.accounts.users import add_user, complete_enrolment

PASSWORD = "plum harbour violet seventy"  # synthetic; zxcvbn score 4
ORIGIN = "https://testserver"
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass(frozen=True)
class Account:
    name: str
    password: str
    secret: str
    recovery_codes: list[str]


def enrolled(database: Database, settings: Settings, name: str, role: str) -> Account:
    """An account enrolled as if through the pages (password, TOTP, recovery codes)."""
    now = clock.now()
    with database.session() as session:
        user, _ = add_user(session, settings, name, role, now, display_name=name.title())
        user.totp_secret = secret = totp.new_secret()
        step = pyotp.TOTP(secret).timecode(now)
        done = complete_enrolment(session, settings, user, PASSWORD, step, now)
    return Account(name, PASSWORD, secret, done.recovery_codes)


def fresh_code(database: Database, account: Account) -> str:
    """A code of a step not used yet: the simulated clock moves on when it must."""
    with database.session() as session:
        user = session.query(User).filter_by(name=account.name).one()
        last = user.totp_last_step
    generator = pyotp.TOTP(account.secret)
    if last is not None and generator.timecode(clock.now()) <= last:
        clock.set_now(clock.now() + timedelta(seconds=30))
    return generator.now() if clock.now() is None else generator.at(clock.now())


def csrf(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def client_for(app) -> TestClient:
    """A browser-like client: HTTPS (Secure cookies), same-origin fetch metadata."""
    return TestClient(
        app, base_url=ORIGIN, headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False
    )


def post_form(client: TestClient, path: str, data: dict[str, str], page: str | None = None):
    """POST a form with the CSRF token of the page it comes from (default: the path)."""
    token = csrf(client.get(page or path, follow_redirects=True).text)
    return client.post(path, data={"csrf_token": token, **data})


def sign_in(client: TestClient, database: Database, account: Account) -> None:
    response = post_form(
        client, "/login", {"user_name": account.name, "password": account.password}
    )
    assert response.status_code == 303 and response.headers["location"] == "/login/code"
    response = post_form(client, "/login/code", {"code": fresh_code(database, account)})
    assert response.status_code == 303 and response.headers["location"] == "/", response.text


def signed_in(client: TestClient, database: Database, settings: Settings, role: str) -> Account:
    """A new account of `role` (named after it), signed in on `client`."""
    account = enrolled(database, settings, f"u-{role}", role)
    sign_in(client, database, account)
    return account
