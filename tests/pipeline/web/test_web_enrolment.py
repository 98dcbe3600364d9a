"""Enrolment through the pages: the link, a password that passes the rule, the QR code and
the secret as text, one confirmed code, recovery codes shown once; the link then dies."""

from __future__ import annotations

import base64
import re
from urllib.parse import unquote

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, User
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts.users import add_user

from helpers import web_accounts

PASSWORD = "plum harbour violet seventy"


@pytest.fixture
def token(database: Database, settings: Settings) -> str:
    with database.session() as session:
        _, token = add_user(session, settings, "ali", "analyst", clock.now(), "Ali A.", "en")
    return token


def _secret(html: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def _begin(client: TestClient, token: str) -> str:
    landing = client.get(f"/enrol/start?token={token}")
    assert landing.status_code == 200 and "Ali A." in landing.text
    response = client.post(
        "/enrol/start", data={"csrf_token": web_accounts.csrf(landing.text), "token": token}
    )
    assert response.headers["location"] == "/enrol"
    return client.get("/enrol").text


def _submit(client: TestClient, page: str, **fields: str):
    return client.post("/enrol", data={"csrf_token": web_accounts.csrf(page), **fields})


def test_enrolment_end_to_end(client: TestClient, database: Database, token: str) -> None:
    page = _begin(client, token)
    assert '<html lang="en">' in page  # the account's language
    qr = re.search(r'<img class="qr" src="(data:image/svg\+xml[^"]+)"', page).group(1)
    assert "<svg" in unquote(qr) or b"<svg" in base64.b64decode(qr.split(",", 1)[1] + "==")
    secret = _secret(page)
    code = pyotp.TOTP(secret).at(clock.now())
    done = _submit(client, page, password=PASSWORD, password_again=PASSWORD, code=code)
    assert done.status_code == 200 and "Your recovery codes" in done.text
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.text)
    assert len(codes) == 10
    home = client.get("/")  # signed in after enrolment
    assert home.status_code == 200 and "Ali A." in home.text
    assert client.get(f"/enrol/start?token={token}").status_code == 404  # used up
    with database.session() as session:
        user = session.scalar(select(User).where(User.name == "ali"))
        assert user.enrolled_at is not None and user.enrol_token_hash is None
        assert user.totp_secret == secret
        assert user.totp_last_step == pyotp.TOTP(secret).timecode(clock.now())
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "user enrol" in actions


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short one", "short one", "too short"),
        ("password1234", "password1234", "too easy to guess"),
        (PASSWORD, PASSWORD + "x", "not the same"),
    ],
)
def test_enrolment_refuses_bad_passwords(
    client: TestClient, token: str, password: str, again: str, message: str
) -> None:
    page = _begin(client, token)
    code = pyotp.TOTP(_secret(page)).at(clock.now())
    response = _submit(client, page, password=password, password_again=again, code=code)
    assert response.status_code == 200 and message in response.text
    assert _secret(response.text) == _secret(page)  # the scanned QR code stays valid


def test_enrolment_refuses_a_wrong_code(client: TestClient, token: str) -> None:
    page = _begin(client, token)
    response = _submit(client, page, password=PASSWORD, password_again=PASSWORD, code="000000")
    assert "That code is wrong" in response.text
    assert client.get("/").headers["location"] == "/login"


@pytest.mark.parametrize("link", ["/enrol/start?token=forged", "/enrol/start", "/enrol"])
def test_enrolment_bad_or_missing_link(client: TestClient, link: str) -> None:
    response = client.get(link)
    assert response.status_code == 404 and "oprettelseslink virker ikke" in response.text


def test_enrolment_link_expires(client: TestClient, token: str, settings: Settings) -> None:
    from datetime import timedelta

    clock.set_now(clock.now() + timedelta(hours=settings.web_enrolment_hours, seconds=1))
    assert client.get(f"/enrol/start?token={token}").status_code == 404


def test_enrolment_after_reset_the_old_password_is_void(
    client: TestClient, database: Database, settings: Settings
) -> None:
    from pipeline.operations.accounts.users import reset_user

    account = web_accounts.enrolled(database, settings, "kim", "outreach")
    with database.session() as session:
        reset_user(session, settings, "kim", clock.now())
    response = web_accounts.post_form(
        client, "/login", {"user_name": "kim", "password": account.password}
    )
    assert response.status_code == 200 and "forkert" in response.text
