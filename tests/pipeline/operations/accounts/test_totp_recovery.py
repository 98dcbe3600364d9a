"""TOTP (a code works once: its step is stored) and recovery codes (hashed, each once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from models import RecoveryCode, User
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import recovery, totp

from helpers import web_accounts

NOW = datetime(2026, 12, 2, 9, 0, 10, tzinfo=UTC)


@pytest.fixture
def account(database: Database, settings: Settings):
    return web_accounts.enrolled(database, settings, "kim", "outreach")


def _user(session, name: str = "kim") -> User:
    return session.scalar(select(User).where(User.name == name))


def _accept(database: Database, code: str, at: datetime) -> bool:
    with database.session() as session:
        return totp.accept_code(session, _user(session), code, at)


def test_totp_a_code_is_accepted_once(database: Database, account) -> None:
    with database.session() as session:
        _user(session).totp_last_step = None
    code = pyotp.TOTP(account.secret).at(NOW)
    assert _accept(database, code, NOW)
    assert not _accept(database, code, NOW)  # pyotp alone would accept it again
    assert not _accept(database, code, NOW + timedelta(seconds=20))  # still in its window


def test_totp_window_is_one_step_either_side(database: Database, account) -> None:
    with database.session() as session:
        _user(session).totp_last_step = None
    generator = pyotp.TOTP(account.secret)
    assert not _accept(database, generator.at(NOW - timedelta(seconds=90)), NOW)
    assert not _accept(database, "12345", NOW) and not _accept(database, "abcdef", NOW)
    assert _accept(database, generator.at(NOW + timedelta(seconds=30)), NOW)
    # the next step's code was used: the current step's code is older now, and refused
    assert not _accept(database, generator.at(NOW), NOW)


def test_totp_two_sign_ins_race_for_one_code(database: Database, account) -> None:
    code = pyotp.TOTP(account.secret).at(NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=1)
    with database.sessions() as first_session, database.sessions() as second_session:
        first, second = _user(first_session), _user(second_session)  # both read the old step
        second_session.commit()  # (SQLite: end the read so the other may write)
        assert totp.accept_code(first_session, first, code, later)
        first_session.commit()
        assert not totp.accept_code(second_session, second, code, later)


def test_totp_qr_code_is_an_svg_data_uri_and_secret_is_readable(account) -> None:
    uri = totp.qr_svg_data_uri(account.secret, "kim")
    assert uri.startswith("data:image/svg+xml")
    assert totp.provisioning_uri(account.secret, "kim").startswith("otpauth://totp/Scout:kim?")
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_recovery_codes_stored_hashed_and_each_usable_once(
    database: Database, settings: Settings, account
) -> None:
    codes = account.recovery_codes
    assert len(codes) == 10 and len(set(codes)) == 10
    with database.session() as session:
        stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and all(h.startswith("$argon2id$") for h in stored)
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    other = web_accounts.enrolled(database, settings, "ali", "analyst")
    with database.session() as session:
        user = _user(session)
        assert recovery.use_code(session, user, codes[0].upper(), NOW)
        assert not recovery.use_code(session, user, codes[0], NOW)
        assert not recovery.use_code(session, user, other.recovery_codes[0], NOW)
        assert not recovery.use_code(session, user, "short", NOW)
        assert recovery.remaining(session, user) == 9


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a fixed synthetic test secret
STEP_START = datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC)  # 09:00:00 starts a 30 s step


@pytest.mark.parametrize("into_step", [timedelta(0), timedelta(seconds=29, microseconds=999999)])
@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_totp_window_edges(into_step: timedelta, offset: int, accepted: bool) -> None:
    """At the first and the last instant of a step, the codes of one step before and after
    pass and two steps away do not (ASVS 6.5.5's deviation is exactly ±1 step)."""
    generator = pyotp.TOTP(SECRET)
    now = STEP_START + into_step
    current = generator.timecode(now)
    assert current == generator.timecode(STEP_START)  # both instants are in the same step
    code = generator.generate_otp(current + offset)
    found = totp.matching_step(SECRET, code, now, None)
    assert found == (current + offset if accepted else None)


def test_totp_replay_edge_only_later_steps() -> None:
    """With a last used step, that step and earlier ones are refused; the next one passes."""
    generator = pyotp.TOTP(SECRET)
    current = generator.timecode(STEP_START)
    for last, offset, expected in [
        (current, 0, None),  # the same step again: a replay
        (current, -1, None),  # an older step
        (current - 1, 0, current),  # the step right after the last used one
        (current, 1, current + 1),  # the next step (phone clock a little fast)
        (current + 1, 1, None),  # used already
    ]:
        code = generator.generate_otp(current + offset)
        assert totp.matching_step(SECRET, code, STEP_START, last) == expected, (last, offset)
