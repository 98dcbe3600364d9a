"""Keys: a 0600 master secret created once, purpose keys derived, clear errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from pipeline.core.errors import SecretKeyError
from pipeline.core.keys import Keyring, load_keyring
from pipeline.core.settings import load_settings


def test_keys_file_created_0600_and_stable(tmp_path: Path) -> None:
    first = load_keyring(load_settings())
    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    second = load_keyring(load_settings())
    assert first.key_id == second.key_id
    assert first.pseudonym("phone", "+4520123456") == second.pseudonym("phone", "+4520123456")


def test_keys_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCOUT_SECRET_KEY", "ab" * 32)
    keyring = load_keyring(load_settings())
    assert keyring.key_id == Keyring(bytes.fromhex("ab" * 32)).key_id
    assert not (tmp_path / "data" / "secret.key").exists()


@pytest.mark.parametrize("value", ["ab" * 16, "not-hex-at-all", ""])
def test_keys_short_or_malformed_key_is_clear_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SCOUT_SECRET_KEY", value)
    with pytest.raises(SecretKeyError, match="SCOUT_SECRET_KEY"):
        load_keyring(load_settings())


def test_keys_world_readable_key_file_refused(tmp_path: Path) -> None:
    load_keyring(load_settings())
    key_file = tmp_path / "data" / "secret.key"
    key_file.chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_keyring(load_settings())


def test_keys_purposes_are_separate() -> None:
    keyring = Keyring(bytes(range(32)))
    keys = {keyring.derive(p) for p in ("seal/v1", "contact-pseudonym/v1", "export/a", "export/b")}
    assert len(keys) == 4
    assert keyring.recipient_pseudonym("a", "x") != keyring.recipient_pseudonym("b", "x")
    # a plain hash of the number is not what a pseudonym is
    import hashlib

    assert (
        keyring.pseudonym("phone", "+4520123456")
        != hashlib.sha256(b"phone:+4520123456").hexdigest()
    )


def test_keys_seal_roundtrip_and_tamper_detection() -> None:
    keyring = Keyring(bytes(range(32)))
    blob = keyring.seal("Hej, jeg hedder Åse".encode())
    assert "Åse".encode() not in blob
    assert keyring.unseal(blob).decode() == "Hej, jeg hedder Åse"
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidTag):
        keyring.unseal(tampered)
    other = Keyring(bytes(32))
    with pytest.raises(SecretKeyError, match="sealed under key"):
        other.unseal(blob)


def test_keys_never_in_repr() -> None:
    keyring = Keyring(bytes(range(32)))
    assert bytes(range(32)).hex() not in repr(keyring)
