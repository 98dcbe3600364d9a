"""`scout users …` (admin only, audited) and `scout web serve` (loopback unless behind a proxy)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import AuditEntry, User
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.core.net import is_loopback
from pipeline.operations.accounts.users import token_hash

from helpers import operators

LINK = re.compile(r"https?://\S+/enrol/start\?token=(\S+)")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def admin(monkeypatch: pytest.MonkeyPatch) -> None:
    operators.as_os_user(monkeypatch, "root-admin")
    operators.set_operator(monkeypatch, default_role="admin")


def test_cli_users_add_list_reset_disable(
    database: Database, admin: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "users", "add", "kim", "--role", "outreach", "--display-name", "Kim H."
    )
    assert code == 0 and "added kim (outreach)" in out
    first = LINK.search(out).group(1)
    code, out, _ = _run(capsys, "users", "list")
    assert code == 0 and "kim" in out and "Kim H." in out and "not yet" in out
    code, out, _ = _run(capsys, "users", "reset", "kim")
    second = LINK.search(out).group(1)
    assert code == 0 and second != first
    with database.session() as session:
        stored = session.scalar(select(User.enrol_token_hash).where(User.name == "kim"))
    assert stored == token_hash(second)  # the first link no longer works
    assert _run(capsys, "users", "end-sessions", "kim")[0] == 0
    code, out, _ = _run(capsys, "users", "disable", "kim")
    assert code == 0 and "disabled kim" in out
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    # each change is audited before it runs (audit §4), then with its outcome; a list is not
    assert [(e.action, e.params.get("command")) for e in entries] == [
        ("command", "users add"), ("user add", None),
        ("command", "users reset"), ("user reset", None),
        ("command", "users end-sessions"), ("sessions end", None),
        ("command", "users disable"), ("user disable", None),
    ]  # fmt: skip
    assert {e.actor for e in entries} == {"root-admin"}
    assert not any(first in str(e.params) or second in str(e.params) for e in entries)


def test_cli_users_errors_are_one_line(
    database: Database, admin: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "users", "disable", "nobody")
    assert code == 1 and err.strip().count("\n") == 0 and "no account named 'nobody'" in err


@pytest.mark.parametrize("role", ["outreach", "researcher", "analyst"])
def test_cli_users_admin_only(
    role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role=role)
    code, _, err = _run(capsys, "users", "add", "kim", "--role", "admin")
    assert code == 3 and "needs the role admin" in err


def test_cli_web_serve_refuses_a_public_address(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "web", "serve", "--host", "0.0.0.0")
    assert code == 1
    assert err.strip().count("\n") == 0 and "refusing to serve plain HTTP on 0.0.0.0" in err
    assert "--behind-proxy" in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.0.2.10", False), ("example.org", False)],
)  # fmt: skip
def test_cli_web_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
