"""Audit 2026-12-02, keys (K1–K9, F9, F10): a lost, replaced or wrong key is refused at start-up.

Each case breaks the key of a database that holds sealed data and runs a command; it must
end in the exact one-line error (exit 1), create no key, and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Advert, SecretKeyRecord
from pipeline.cli.main import main
from pipeline.core.db import Database, open_database
from pipeline.core.errors import SecretKeyError
from pipeline.core.keys import Keyring
from pipeline.core.settings import load_settings

from helpers import keys_world, operators

WRONG = "ab" * 32
NUMBER = "+4520000001"


@pytest.fixture
def sealed(database: Database) -> Database:
    """A database holding one advert (sealed text) with one contact point."""
    keys_world.new_advert_with(database, NUMBER, "first")
    return database


def _key_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "secret.key"


def _lose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _key_file(tmp_path).rename(tmp_path / "backup.key")  # e.g. a backup restored without it


def _wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_SECRET_KEY", WRONG)


def _env(value: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    return lambda tmp_path, monkeypatch: monkeypatch.setenv("SCOUT_SECRET_KEY", value)


def _chmod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _key_file(tmp_path).chmod(0o644)


def _garbage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _key_file(tmp_path).write_text("garbage\n")


def _folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_SECRET_KEY_FILE", str(tmp_path / "data"))


def _missing_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_SECRET_KEY_FILE", str(tmp_path / "nonexistent" / "dir" / "k.key"))


RESTORE = "restore the key file {key} or SCOUT_SECRET_KEY from your backup"
CASES = [
    pytest.param(
        _lose,
        "no secret key at {key}, and this database was sealed with key {id}; " + RESTORE,
        id="K1",
    ),
    pytest.param(
        _wrong,
        "the secret key (id {wrong}) is not the key this database was sealed with ({id}); "
        + RESTORE,
        id="K2",
    ),
    pytest.param(
        _env("zzzz"), "SCOUT_SECRET_KEY: secret key must be 64 hexadecimal characters", id="K3"
    ),
    pytest.param(
        _env("ab" * 16),
        "SCOUT_SECRET_KEY: secret key is 128 bits; Scout needs 256 (64 hex characters)",
        id="K4",
    ),
    pytest.param(
        _env(""),
        "SCOUT_SECRET_KEY: secret key is 0 bits; Scout needs 256 (64 hex characters)",
        id="K5",
    ),
    pytest.param(_chmod, "{key} is readable by others (mode 644); run: chmod 600 {key}", id="K6"),
    pytest.param(_garbage, "{key}: secret key must be 64 hexadecimal characters", id="K7"),
    pytest.param(_folder, "{data} is a folder, not a secret key file", id="K8"),
    pytest.param(
        _missing_dir,
        "no secret key at {missing}, and this database was sealed with key {id}; "
        "restore the key file {missing} or SCOUT_SECRET_KEY from your backup",
        id="K9",
    ),
]


@pytest.mark.parametrize(("breaks", "message"), CASES)
def test_k_cases_refused_with_one_line(
    sealed: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breaks: Callable[[Path, pytest.MonkeyPatch], None],
    message: str,
) -> None:
    key_id = sealed.keyring.key_id
    sealed.dispose()
    breaks(tmp_path, monkeypatch)
    written = _key_file(tmp_path).read_bytes() if _key_file(tmp_path).exists() else None
    code = main(["targets"])
    _, err = capsys.readouterr()
    missing = tmp_path / "nonexistent" / "dir" / "k.key"
    expected = message.format(
        key=_key_file(tmp_path),
        id=key_id,
        wrong=Keyring(bytes.fromhex(WRONG)).key_id,
        data=tmp_path / "data",
        missing=missing,
    )
    assert (code, err) == (1, f"error: {expected}\n")
    assert not missing.parent.exists()  # K9: no folder, no key made on the way
    # no key written or replaced: K1's file stays gone, the others' stay as they were
    assert (_key_file(tmp_path).read_bytes() if _key_file(tmp_path).exists() else None) == written


def test_k9_missing_key_folder_refused_for_empty_database(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "k.key"
    monkeypatch.setenv("SCOUT_SECRET_KEY_FILE", str(missing))
    with pytest.raises(SecretKeyError) as caught:
        open_database(load_settings(), require_schema=False)
    assert str(caught.value) == (
        f"no secret key at {missing}, and its folder {missing.parent} does not exist; "
        "fix SCOUT_SECRET_KEY_FILE or create the folder (mode 700)"
    )
    assert not missing.parent.exists()


@pytest.mark.parametrize("breaks", [_lose, _wrong], ids=["K1-F9", "K2-F10"])
def test_k1_k2_f9_f10_opt_out_not_bypassed(
    outreach_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breaks: Callable[[Path, pytest.MonkeyPatch], None],
) -> None:
    """The audit's reproduction: suppress, lose or replace the key, ingest the same number."""
    operators.set_operator(monkeypatch, default_role="outreach")
    _, number = keys_world.suppress_first_target(outreach_db, load_settings())
    before = keys_world.advert_count(outreach_db)
    outreach_db.dispose()
    breaks(tmp_path, monkeypatch)
    operators.set_operator(monkeypatch, default_role="analyst")
    assert main(["crawl", "demo_classic", "--time-limit", "30"]) == 1  # refused before crawling
    assert "restore the key file" in capsys.readouterr().err
    with pytest.raises(SecretKeyError, match="restore the key file"):
        keys_world.new_advert_with(open_database(load_settings()), number)  # as the spider would
    if breaks is _lose:
        assert not _key_file(tmp_path).exists()  # no new key made
        (tmp_path / "backup.key").rename(_key_file(tmp_path))
    monkeypatch.delenv("SCOUT_SECRET_KEY", raising=False)
    # with the right key the same advert is stored and flagged: the check above could fail
    database = open_database(load_settings())
    assert keys_world.advert_count(database) == before
    keys_world.new_advert_with(database, number)
    with database.session() as session:
        assert session.scalar(select(Advert.suppressed).where(Advert.external_id == "optout-new"))
    database.dispose()


def test_key_created_only_for_empty_database_and_bound_once_sealed(
    database: Database, tmp_path: Path
) -> None:
    first = database.keyring.key_id
    database.dispose()
    _key_file(tmp_path).unlink()  # nothing sealed yet: a new key is fine, and rebinds
    empty = open_database(load_settings())
    assert empty.keyring.key_id != first
    with empty.session() as session:
        assert session.scalars(select(SecretKeyRecord.key_id)).all() == [empty.keyring.key_id]
    keys_world.new_advert_with(empty, "", "no-contacts")  # sealed text, no contact point
    empty.dispose()
    _key_file(tmp_path).unlink()
    with pytest.raises(SecretKeyError, match="this database was sealed with key"):
        open_database(load_settings())
    assert not _key_file(tmp_path).exists()
