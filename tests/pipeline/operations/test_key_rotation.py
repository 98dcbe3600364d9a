"""`scout keys rotate` on both engines: everything re-keyed, opt-outs kept, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import (
    Advert,
    AdvertVersion,
    AuditEntry,
    ContactLogEntry,
    ContactPoint,
    KeyRotation,
    SecretKeyRecord,
    Suppression,
)
from pipeline.cli.main import main
from pipeline.core.db import Database, open_database
from pipeline.core.errors import ScoutError, SecretKeyError
from pipeline.core.keys import Keyring, RotatingKeyring
from pipeline.core.settings import load_settings
from pipeline.operations import keyrotation
from pipeline.reports.outreach.reveal import reveal_target

from helpers import keys_world, operators


class Killed(Exception):
    """Stands for a kill -9 between two batches."""


@pytest.fixture
def suppressed(outreach_db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """The small world with one target on the opt-out list and a sealed contact-log note."""
    operators.set_operator(monkeypatch, default_role="outreach")
    cluster_id, number = keys_world.suppress_first_target(outreach_db, load_settings())
    with outreach_db.session() as session:
        session.add(ContactLogEntry(target="C1", actor="kim", outcome="reached", note="ring fre"))
    outreach_db.dispose()
    operators.set_operator(monkeypatch, default_role="admin")
    return cluster_id, number


@pytest.fixture
def state(suppressed: tuple[int, str]) -> tuple[str, dict[str, Any]]:
    """The key id and every sealed value and keyed hash before a rotation."""
    database = open_database(load_settings())
    found = database.keyring.key_id, _snapshot(database)
    database.dispose()
    return found


def _snapshot(database: Database) -> dict[str, Any]:
    with database.session() as session:
        return {
            "points": sorted(
                session.execute(
                    select(
                        ContactPoint.id,
                        ContactPoint.value,
                        ContactPoint.pseudonym,
                        ContactPoint.kind,
                    )
                ).all()
            ),
            "adverts": sorted(
                session.execute(select(Advert.id, Advert.title, Advert.text, Advert.content_hash))
            ),
            "versions": sorted(
                session.execute(select(AdvertVersion.id, AdvertVersion.title, AdvertVersion.text))
            ),
            "optouts": sorted(session.execute(select(Suppression.pseudonym, Suppression.value))),
            "notes": session.scalars(select(ContactLogEntry.note)).all(),
        }


def _check_rotated(before: dict[str, Any], tmp_path: Path, old_id: str) -> Database:
    database = open_database(load_settings())
    new = database.keyring
    assert isinstance(new, Keyring) and new.key_id != old_id
    assert not (tmp_path / "data" / "secret.key.new").exists()
    after = _snapshot(database)
    # every sealed value still reads, and is the same
    assert [p[:2] for p in after["points"]] == [p[:2] for p in before["points"]]
    assert [a[:3] for a in after["adverts"]] == [a[:3] for a in before["adverts"]]
    assert after["versions"] == before["versions"] and after["notes"] == before["notes"]
    # every pseudonym and content hash changed, to what the new key gives
    assert not {p[2] for p in before["points"]} & {p[2] for p in after["points"]}
    assert [p[2] for p in after["points"]] == [
        new.pseudonym(k, v) for _, v, _, k in after["points"]
    ]
    assert not {a[3] for a in before["adverts"]} & {a[3] for a in after["adverts"]}
    # the opt-out list moved with the contact points
    assert {p for p, _ in after["optouts"]} <= {p[2] for p in after["points"]}
    assert sorted(v for _, v in after["optouts"]) == sorted(v for _, v in before["optouts"])
    with database.session() as session:
        assert set(session.scalars(select(ContactPoint.key_id))) == {new.key_id}
        assert session.execute(select(SecretKeyRecord.key_id, SecretKeyRecord.state)).all() == [
            (new.key_id, "active")
        ]
    return database


def _opt_out_holds(database: Database, cluster_id: int, number: str, monkeypatch: Any) -> None:
    keys_world.new_advert_with(database, number)
    with database.session() as session:
        assert session.scalar(select(Advert.suppressed).where(Advert.external_id == "optout-new"))
    operators.set_operator(monkeypatch, default_role="outreach")
    with database.session() as session, pytest.raises(ScoutError, match="opt-out list"):
        reveal_target(session, load_settings(), cluster_id, "first contact, Danish")


def test_keys_rotate_rekeys_everything_and_keeps_opt_outs(
    state: tuple[str, dict[str, Any]],
    suppressed: tuple[int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old_id, before = state
    assert main(["keys", "rotate", "--batch-size", "7"]) == 0
    out = capsys.readouterr().out
    database = _check_rotated(before, tmp_path, old_id)
    new_id = database.keyring.key_id
    assert f"back up {tmp_path / 'data' / 'secret.key'} (key {new_id}) now" in out
    assert f"back up {tmp_path / 'data' / 'secret.key.new'} (key {new_id})" in out
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["key-rotation-start", "key-rotation"]
    _opt_out_holds(database, *suppressed, monkeypatch)
    database.dispose()


@pytest.mark.parametrize("kill_at", [3, 20], ids=["in-contact-points", "in-adverts"])
def test_keys_rotate_killed_mid_way_reads_work_and_resume_finishes(
    kill_at: int,
    state: tuple[str, dict[str, Any]],
    suppressed: tuple[int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old_id, before = state

    def kill(phase: str, batches: int) -> None:
        if batches == kill_at:
            raise Killed(phase)

    with monkeypatch.context() as patch, pytest.raises(Killed):
        patch.setattr(keyrotation, "_after_batch", kill)
        keyrotation.rotate(open_database(load_settings()), load_settings(), batch_size=5)

    mid = open_database(load_settings())
    assert isinstance(mid.keyring, RotatingKeyring)
    assert _snapshot(mid)["versions"] == before["versions"]  # reads work under both keys
    with mid.session() as session:
        rotation = session.scalars(select(KeyRotation)).one()
    assert (rotation.batches, rotation.finished_at) == (kill_at, None)
    assert rotation.phase == ("contact_points" if kill_at == 3 else "adverts")
    with pytest.raises(SecretKeyError, match="run: scout keys rotate"):
        keys_world.new_advert_with(mid, suppressed[1])  # no keyed hash under half a rotation
    operators.set_operator(monkeypatch, default_role="outreach")
    with mid.session() as session, pytest.raises(ScoutError, match="opt-out list"):
        reveal_target(session, load_settings(), suppressed[0], "first contact, Danish")
    operators.set_operator(monkeypatch, default_role="admin")
    mid.dispose()

    assert main(["keys", "rotate", "--batch-size", "5"]) == 0
    assert "resuming the rotation" in capsys.readouterr().out
    database = _check_rotated(before, tmp_path, old_id)
    _opt_out_holds(database, *suppressed, monkeypatch)
    database.dispose()


def test_keys_rotate_is_admin_only(
    outreach_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="analyst")
    assert main(["keys", "rotate"]) == 3
    assert "needs the role admin" in capsys.readouterr().err


def test_keys_rotate_killed_before_the_key_file_swap_heals_at_start_up(
    state: tuple[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database committed the new key, the kill came before the new file replaced the old."""
    old_id, before = state
    database = open_database(load_settings())

    def killed(*args: Any) -> None:
        raise Killed("before the swap")

    with monkeypatch.context() as patch, pytest.raises(Killed):
        patch.setattr(keyrotation.os, "replace", killed)
        keyrotation.rotate(database, load_settings())
    database.dispose()
    assert (tmp_path / "data" / "secret.key.new").exists()
    _check_rotated(before, tmp_path, old_id).dispose()
