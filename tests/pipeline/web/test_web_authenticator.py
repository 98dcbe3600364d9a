"""Setting up a new authenticator app oneself: password and a current code first, the new
secret replaces the old only after a code from the new app, the other sessions end, the
old app stops working, everything is audit-logged (both engines)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, User
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import authenticator, throttle

from helpers import web_accounts

_SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


@pytest.fixture
def kim(now, database: Database, settings: Settings):
    return web_accounts.enrolled(database, settings, "kim", "outreach")


def _start(client: TestClient, password: str, code: str):
    return web_accounts.post_form(
        client, "/account/authenticator", {"password": password, "code": code}
    )


def _shown_secret(client: TestClient) -> str:
    page = client.get("/account/authenticator/new")
    assert page.status_code == 200, page.text
    found = _SECRET.search(page.text)
    assert found and 'src="data:image/svg+xml' in page.text  # the QR code, drawn here
    return found.group(1).replace(" ", "")


def _next_code(database: Database, secret: str) -> str:
    """A code of the new secret at a step after the account's last used one."""
    return web_accounts.fresh_code(database, web_accounts.Account("kim", "", secret, []))


def _stored_secret(database: Database) -> str | None:
    with database.session() as session:
        return session.scalars(select(User.totp_secret).where(User.name == "kim")).one()


def _entries(database: Database) -> list[tuple[dict, dict]]:
    with database.session() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == authenticator.ACTION)
            .order_by(AuditEntry.id)
        )
        return [(row.params, row.counts) for row in rows]


def test_authenticator_new_replaces_the_secret_and_ends_other_sessions(
    app: FastAPI, client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    with web_accounts.client_for(app) as other:
        web_accounts.sign_in(other, database, kim)
        started = _start(client, kim.password, web_accounts.fresh_code(database, kim))
        assert started.status_code == 303 and started.headers["location"].endswith("/new")
        secret = _shown_secret(client)
        assert secret == _shown_secret(client)  # a reload shows the same new secret
        assert secret != kim.secret and _stored_secret(database) == kim.secret  # not yet
        assert other.get("/").status_code == 200  # nothing ended yet
        code = _next_code(database, secret)
        done = web_accounts.post_form(
            client, "/account/authenticator/new", {"code": code}, page="/account/authenticator/new"
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/account?changed=authenticator"
        assert other.get("/").headers["location"] == "/login"  # signed out elsewhere
    assert _stored_secret(database) == secret
    assert "Din nye godkendelsesapp er sat op" in client.get(done.headers["location"]).text
    assert client.get("/account/authenticator/new").status_code == 200  # the form again:
    assert "totp-secret" not in client.get("/account/authenticator/new").text  # cookie gone
    assert _entries(database) == [
        ({"step": "start", "outcome": "ok"}, {}),
        ({"step": "confirm", "outcome": "ok"}, {"sessions": 1}),
    ]
    assert not any(code in str(entry) for entry in _entries(database))
    # the old app no longer signs in; the new one does
    with web_accounts.client_for(app) as third:
        web_accounts.post_form(third, "/login", {"user_name": "kim", "password": kim.password})
        clock.set_now(clock.now() + timedelta(seconds=30))
        old = web_accounts.post_form(
            third, "/login/code", {"code": pyotp.TOTP(kim.secret).at(clock.now())}
        )
        assert old.status_code == 200 and "forkert" in old.text
        new = web_accounts.post_form(
            third, "/login/code", {"code": pyotp.TOTP(secret).at(clock.now())}
        )
        assert new.headers["location"] == "/"


def test_authenticator_new_confirm_refuses_a_used_code(
    client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    _start(client, kim.password, web_accounts.fresh_code(database, kim))
    secret = _shown_secret(client)
    # a code of the new app at the step already used (by the start's code) is refused
    used = pyotp.TOTP(secret).at(clock.now())
    refused = web_accounts.post_form(
        client, "/account/authenticator/new", {"code": used}, page="/account/authenticator/new"
    )
    assert refused.status_code == 400 and "allerede brugt" in refused.text
    assert _stored_secret(database) == kim.secret
    assert _entries(database)[-1] == ({"step": "confirm", "outcome": "code"}, {})
    assert _SECRET.search(refused.text).group(1).replace(" ", "") == secret  # try again


@pytest.mark.parametrize(
    ("wrong", "said"), [("password", "adgangskode er forkert"), ("code", "forkert")]
)
def test_authenticator_new_needs_the_password_and_a_current_code(
    client: TestClient, database: Database, kim, wrong: str, said: str
) -> None:
    web_accounts.sign_in(client, database, kim)
    code = web_accounts.fresh_code(database, kim)
    password = "not my password at all" if wrong == "password" else kim.password
    response = _start(client, password, "123456" if wrong == "code" and code != "123456" else code)
    assert response.status_code == 400 and said in response.text
    assert "totp-secret" not in client.get("/account/authenticator/new").text
    assert _entries(database) == [
        ({"step": "start", "outcome": "code" if wrong == "code" else "wrong"}, {})
    ]


def test_authenticator_new_takes_a_recovery_code_for_a_lost_phone(
    client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    started = _start(client, kim.password, kim.recovery_codes[0])
    assert started.status_code == 303
    assert _shown_secret(client) != kim.secret
    # that recovery code is spent
    again = _start(client, kim.password, kim.recovery_codes[0])
    assert again.status_code == 400


def test_authenticator_new_wrong_passwords_are_throttled(
    client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    code = web_accounts.fresh_code(database, kim)  # moves the clock first: the lock is 30 s
    for _ in range(throttle.ACCOUNT.free_failures + 1):
        _start(client, "not my password at all", "000000")
    locked = _start(client, kim.password, code)
    assert locked.status_code == 400 and "For mange mislykkede forsøg" in locked.text
    assert _entries(database)[-1][0] == {"step": "start", "outcome": "throttled"}


def test_authenticator_new_setup_expires(database: Database, settings: Settings, kim) -> None:
    from pipeline.web.main import create_app

    patient = settings.model_copy(update={"web_idle_timeout_seconds": 3600})
    with web_accounts.client_for(create_app(patient, database)) as client:
        web_accounts.sign_in(client, database, kim)
        _start(client, kim.password, web_accounts.fresh_code(database, kim))
        secret = _shown_secret(client)
        clock.set_now(clock.now() + timedelta(minutes=authenticator.SETUP_MINUTES, seconds=1))
        late = web_accounts.post_form(
            client,
            "/account/authenticator/new",
            {"code": _next_code(database, secret)},
            page="/account/authenticator",
        )
        assert late.status_code == 400 and "Begynd forfra" in late.text
    assert _stored_secret(database) == kim.secret


def test_authenticator_pending_token_is_bound_to_person_session_and_time(
    database: Database, now
) -> None:
    keyring = database.keyring
    token = authenticator.seal_pending(keyring, 7, "3@2026-12-02T09:00", "JBSWY3DPEHPK3PXP", now)
    assert (
        authenticator.open_pending(keyring, token, 7, "3@2026-12-02T09:00", now)
        == "JBSWY3DPEHPK3PXP"
    )
    assert "JBSWY3DPEHPK3PXP" not in token
    assert (
        authenticator.open_pending(keyring, token, 8, "3@2026-12-02T09:00", now) is None
    )  # another person
    assert (
        authenticator.open_pending(keyring, token, 7, "3@2026-12-02T09:05", now) is None
    )  # a later one, same number
    later = now + timedelta(minutes=authenticator.SETUP_MINUTES)
    assert authenticator.open_pending(keyring, token, 7, "3@2026-12-02T09:00", later) is None
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert authenticator.open_pending(keyring, tampered, 7, "3@2026-12-02T09:00", now) is None
    assert authenticator.open_pending(keyring, "not base64 !", 7, "3@2026-12-02T09:00", now) is None
