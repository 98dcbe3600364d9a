"""My own password and recovery codes: the current password is required, the enrolment rule
applies, the other sessions end, wrong guesses are throttled, everything is audit-logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, User
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import throttle
from pipeline.operations.accounts.passwords import verify_password
from pipeline.web.main import create_app

from helpers import web_accounts

NEW = "lantern orchard cobalt ninety"  # synthetic; zxcvbn score 4


@pytest.fixture
def kim(now, database: Database, settings: Settings):
    return web_accounts.enrolled(database, settings, "kim", "outreach")


def _change(client: TestClient, current: str, new: str, again: str | None = None):
    return web_accounts.post_form(
        client,
        "/account/password",
        {"current": current, "password": new, "password_again": new if again is None else again},
    )


def _outcomes(database: Database) -> list[str]:
    with database.session() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "password change").order_by(AuditEntry.id)
        )
        return [row.params["outcome"] for row in rows]


def _password_is(database: Database, password: str) -> bool:
    with database.session() as session:
        stored = session.scalars(select(User.password_hash).where(User.name == "kim")).one()
    return verify_password(stored, password)[0]


def test_password_change_ends_the_other_sessions_only(
    app: FastAPI, client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    with web_accounts.client_for(app) as other:
        web_accounts.sign_in(other, database, kim)
        response = _change(client, kim.password, NEW)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/account?changed=password"
        assert other.get("/").headers["location"] == "/login"  # signed out elsewhere
    page = client.get("/account?changed=password").text  # this session goes on
    assert "Din adgangskode er ændret" in page
    assert _password_is(database, NEW) and not _password_is(database, kim.password)
    with database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "password change")
        ).one()
        assert (entry.actor, entry.params, entry.counts) == (
            "kim",
            {"outcome": "ok"},
            {"sessions": 1},
        )
        assert NEW not in str(entry.params) and kim.password not in str(entry.params)
    # the new password signs in; the old one does not
    with web_accounts.client_for(app) as third:
        old = web_accounts.post_form(
            third, "/login", {"user_name": "kim", "password": kim.password}
        )
        assert old.status_code == 200 and "forkert" in old.text
        new = web_accounts.post_form(third, "/login", {"user_name": "kim", "password": NEW})
        assert new.headers["location"] == "/login/code"


@pytest.mark.parametrize(
    ("current", "new", "again", "outcome", "said"),
    [
        ("wrong horse battery", NEW, None, "wrong", "Din nuværende adgangskode er forkert"),
        (None, "short one", None, "short", "mindst 12 tegn"),
        (None, "kim kim kim kim", None, "weak", "for let at gætte"),
        (None, None, None, "same", "den samme som den nuværende"),
        (None, NEW, "lantern orchard cobalt ninety-one", None, "ikke ens"),
    ],
)
def test_password_change_refused(
    client: TestClient,
    database: Database,
    kim,
    current: str | None,
    new: str | None,
    again: str | None,
    outcome: str | None,
    said: str,
) -> None:
    web_accounts.sign_in(client, database, kim)
    response = _change(client, current or kim.password, new or kim.password, again)
    assert response.status_code == 400 and said in response.text
    assert _password_is(database, kim.password)
    assert _outcomes(database) == ([outcome] if outcome else [])  # a typo is no attempt


def test_password_change_wrong_current_counts_as_a_failed_sign_in(
    client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    for _ in range(throttle.ACCOUNT.free_failures + 1):
        _change(client, "not my password at all", NEW)
    response = _change(client, kim.password, NEW)  # right, but the account is locked now
    assert response.status_code == 400 and "For mange mislykkede forsøg" in response.text
    assert _password_is(database, kim.password)
    assert _outcomes(database)[-1] == "throttled"
    clock.set_now(clock.now() + throttle.ACCOUNT.first_lock + timedelta(seconds=1))
    assert _change(client, kim.password, NEW).status_code == 303  # the lock has expired
    assert _password_is(database, NEW)


def test_recovery_codes_new_needs_a_recent_code_and_replaces_the_old(
    client: TestClient, database: Database, kim
) -> None:
    web_accounts.sign_in(client, database, kim)
    codes = web_accounts.post_form(client, "/account/recovery-codes", {}, page="/account")
    new = codes.text.count("<li><code>")
    assert codes.status_code == 200 and new == 10 and 'href="/account"' in codes.text
    assert not any(old in codes.text for old in kim.recovery_codes)
    with database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "recovery codes new")
        ).one()
        assert entry.counts == {"codes": 10}
    # an old code no longer signs in
    client.post("/logout", data={"csrf_token": web_accounts.csrf(client.get("/").text)})
    web_accounts.post_form(client, "/login", {"user_name": "kim", "password": kim.password})
    refused = web_accounts.post_form(client, "/login/code", {"code": kim.recovery_codes[0]})
    assert refused.status_code == 200 and "forkert" in refused.text


def test_recovery_codes_new_asks_for_a_code_after_15_minutes(
    database: Database, settings: Settings, kim
) -> None:
    patient = settings.model_copy(update={"web_idle_timeout_seconds": 3600})
    with web_accounts.client_for(create_app(patient, database)) as client:
        web_accounts.sign_in(client, database, kim)
        clock.set_now(clock.now() + timedelta(minutes=16))
        asked = web_accounts.post_form(client, "/account/recovery-codes", {}, page="/account")
        assert 'action="/step-up"' in asked.text and "<li><code>" not in asked.text
    with database.session() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "recovery codes new")
        ).all()
