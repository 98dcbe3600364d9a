"""Managing accounts: enrolment tokens stored hashed and expiring; disable and reset void
what they must; every change audit-logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, RecoveryCode, User, WebSession
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import sessions
from pipeline.operations.accounts import users as accounts

from helpers import web_accounts


def _actions(database: Database) -> list[tuple[str, str]]:
    with database.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.params.get("user", "")) for row in rows]


def test_users_add_stores_only_a_hash_of_the_token(database: Database, settings: Settings) -> None:
    now = clock.now()
    with database.session() as session:
        _, token = accounts.add_user(session, settings, "kim", "outreach", now, "Kim H.")
    assert accounts.enrolment_link(settings, token) == (
        f"http://127.0.0.1:8000/enrol/start?token={token}"
    )
    with database.session() as session:
        stored = session.scalar(select(User).where(User.name == "kim"))
        assert stored.enrol_token_hash == accounts.token_hash(token) != token
        assert stored.display_name == "Kim H." and stored.language == "da"
        assert stored.password_hash is None and stored.enrolled_at is None
        assert accounts.find_enrolling(session, token, now + timedelta(hours=71)) is not None
        assert accounts.find_enrolling(session, token, now + timedelta(hours=73)) is None
        assert accounts.find_enrolling(session, token + "x", now) is None
    assert _actions(database) == [("user add", "kim")]


@pytest.mark.parametrize(
    ("name", "role", "language", "message"),
    [
        ("Kim Hansen", "outreach", "da", "a user name is"),
        ("kim", "boss", "da", "unknown role"),
        ("kim", "outreach", "sv", "unknown language"),
    ],
)
def test_users_add_refuses_bad_input(
    database: Database, settings: Settings, name: str, role: str, language: str, message: str
) -> None:
    with database.session() as session, pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(session, settings, name, role, clock.now(), language=language)


def test_users_add_refuses_a_taken_name(database: Database, settings: Settings) -> None:
    with database.session() as session:
        accounts.add_user(session, settings, "kim", "outreach", clock.now())
    with database.session() as session, pytest.raises(accounts.AccountError, match="exists"):
        accounts.add_user(session, settings, "kim", "admin", clock.now())


def _open_session(database: Database, settings: Settings, name: str) -> None:
    with database.session() as session:
        user = session.scalar(select(User).where(User.name == name))
        sessions.open_session(session, settings, user, "active", clock.now())


def _signed_in(database: Database, settings: Settings, name: str) -> None:
    web_accounts.enrolled(database, settings, name, "outreach")
    _open_session(database, settings, name)


def test_users_reset_voids_password_totp_codes_and_sessions(
    database: Database, settings: Settings
) -> None:
    _signed_in(database, settings, "kim")
    with database.session() as session:
        token = accounts.reset_user(session, settings, "kim", clock.now())
    with database.session() as session:
        user = session.scalar(select(User).where(User.name == "kim"))
        assert (user.password_hash, user.totp_secret, user.enrolled_at) == (None, None, None)
        assert session.scalars(select(RecoveryCode)).all() == []
        assert session.scalars(select(WebSession)).all() == []
        assert accounts.find_enrolling(session, token, clock.now()) is not None
    assert _actions(database)[-1] == ("user reset", "kim")


def test_users_disable_and_end_sessions(database: Database, settings: Settings) -> None:
    _signed_in(database, settings, "kim")
    with database.session() as session:
        assert accounts.end_sessions(session, settings, "kim") == 1
    _open_session(database, settings, "kim")
    with database.session() as session:
        assert accounts.disable_user(session, settings, "kim") == 1
        assert not session.scalar(select(User.active).where(User.name == "kim"))
    with database.session() as session, pytest.raises(accounts.AccountError, match="no account"):
        accounts.disable_user(session, settings, "nobody")
    assert _actions(database)[-2:] == [("sessions end", "kim"), ("user disable", "kim")]
