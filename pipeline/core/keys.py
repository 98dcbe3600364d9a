"""The master secret and the purpose keys derived from it (PRIVACY rules 4–6).

One 256-bit master secret comes from SCOUT_SECRET_KEY or a 0600 file created on
first use. Nothing uses it directly: each purpose (sealing columns, contact
pseudonyms, content hashes, each export recipient) gets its own HKDF-derived
key, and a short key id is stored beside whatever a key protects so keys can
rotate.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipeline.core.errors import SecretKeyError
from pipeline.core.settings import Settings

KEY_BYTES = 32
_SEAL_FORMAT = 1
_NONCE_BYTES = 12


class Keyring:
    """Purpose keys derived from one master secret; the secret itself never leaves here."""

    def __init__(self, master: bytes) -> None:
        if len(master) != KEY_BYTES:
            raise SecretKeyError(f"secret key must be {KEY_BYTES * 8} bits, got {len(master) * 8}")
        self.__master = master

    def __repr__(self) -> str:
        return f"Keyring(key_id={self.key_id!r})"

    def derive(self, purpose: str) -> bytes:
        """A 256-bit key for one purpose, e.g. 'seal/v1' or 'export/<recipient>'."""
        hkdf = HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=f"scout/{purpose}".encode()
        )
        return hkdf.derive(self.__master)

    @cached_property
    def key_id(self) -> str:
        """Eight hex characters naming this master secret (not derived from any plaintext)."""
        return hmac.new(self.__master, b"scout/key-id", hashlib.sha256).hexdigest()[:8]

    @cached_property
    def _aead(self) -> AESGCM:
        return AESGCM(self.derive("seal/v1"))

    @cached_property
    def _pseudonym_key(self) -> bytes:
        return self.derive("contact-pseudonym/v1")

    @cached_property
    def _content_key(self) -> bytes:
        return self.derive("content-hash/v1")

    def seal(self, plaintext: bytes) -> bytes:
        """AES-256-GCM: format byte, key id, nonce, ciphertext+tag; key id is authenticated."""
        header = bytes([_SEAL_FORMAT]) + bytes.fromhex(self.key_id)
        nonce = os.urandom(_NONCE_BYTES)
        return header + nonce + self._aead.encrypt(nonce, plaintext, header)

    def unseal(self, blob: bytes) -> bytes:
        header, nonce, body = blob[:5], blob[5 : 5 + _NONCE_BYTES], blob[5 + _NONCE_BYTES :]
        if sealed_key_id(blob) != self.key_id:
            raise SecretKeyError(
                f"value was sealed under key {header[1:].hex()}, current key is {self.key_id}"
            )
        return self._aead.decrypt(nonce, body, header)

    def pseudonym(self, kind: str, value: str) -> str:
        """Keyed pseudonym of a normalised contact point (HMAC-SHA256, hex)."""
        message = f"{kind}:{value}".encode()
        return hmac.new(self._pseudonym_key, message, hashlib.sha256).hexdigest()

    def content_hash(self, text: str) -> str:
        """Keyed hash of advert content, so equal texts are found without storing them plain."""
        return hmac.new(self._content_key, text.encode(), hashlib.sha256).hexdigest()

    def recipient_pseudonym(self, recipient: str, value: str) -> str:
        """Pseudonym under a key derived for one export recipient: datasets cannot be joined."""
        key = self.derive(f"export/{recipient}")
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:20]


def sealed_key_id(blob: bytes) -> str:
    """The key id in a sealed value's header (authenticated when the value is unsealed)."""
    if len(blob) < 5 or blob[0] != _SEAL_FORMAT:
        raise SecretKeyError("sealed value has an unknown format")
    return blob[1:5].hex()


class RotatingKeyring(Keyring):
    """The keyring while `scout keys rotate` runs: seals with the new key, opens either.

    Keyed hashes cannot be computed mid-rotation (half the rows are under each key, so a
    lookup would miss, e.g. on the opt-out list): crawling and analysing wait for the end.
    It holds two keyrings, not a secret of its own, so Keyring.__init__ is not called.
    """

    def __init__(self, new: Keyring, old: Keyring) -> None:
        self.new, self.old = new, old

    @cached_property
    def key_id(self) -> str:
        return self.new.key_id

    def __repr__(self) -> str:
        return f"RotatingKeyring(new={self.new.key_id!r}, old={self.old.key_id!r})"

    def seal(self, plaintext: bytes) -> bytes:
        return self.new.seal(plaintext)

    def unseal(self, blob: bytes) -> bytes:
        return (self.old if sealed_key_id(blob) == self.old.key_id else self.new).unseal(blob)

    def derive(self, purpose: str) -> bytes:
        return self.new.derive(purpose)

    def recipient_pseudonym(self, recipient: str, value: str) -> str:
        return self.new.recipient_pseudonym(recipient, value)

    def _refuse(self) -> str:
        raise SecretKeyError(
            f"a key rotation from {self.old.key_id} to {self.new.key_id} has not finished; "
            "run: scout keys rotate (it resumes where it stopped)"
        )

    def pseudonym(self, kind: str, value: str) -> str:
        return self._refuse()

    def content_hash(self, text: str) -> str:
        return self._refuse()


def _parse_secret(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise SecretKeyError(f"{where}: secret key must be 64 hexadecimal characters") from None
    if len(raw) != KEY_BYTES:
        raise SecretKeyError(
            f"{where}: secret key is {len(raw) * 8} bits; Scout needs {KEY_BYTES * 8} "
            "(64 hex characters)"
        )
    return raw


def write_key_file(path: Path) -> None:
    """A new 256-bit key (`secrets.token_bytes`) in a new 0600 file; an existing file is kept."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; read theirs
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")


def _create_key_file(settings: Settings, path: Path) -> None:
    if settings.secret_key_file is None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder
    elif not path.parent.is_dir():
        # K9: a mistyped SCOUT_SECRET_KEY_FILE must not quietly become a new key elsewhere
        raise SecretKeyError(
            f"no secret key at {path}, and its folder {path.parent} does not exist; "
            "fix SCOUT_SECRET_KEY_FILE or create the folder (mode 700)"
        )
    write_key_file(path)


def load_keyring(settings: Settings, create: bool = True) -> Keyring:
    """The keyring from SCOUT_SECRET_KEY or the key file (created 0600 if `create`)."""
    if settings.secret_key is not None:
        return Keyring(_parse_secret(settings.secret_key.get_secret_value(), "SCOUT_SECRET_KEY"))
    path = settings.effective_secret_key_file
    if not path.exists():
        if not create:
            raise SecretKeyError(f"no secret key at {path}; set SCOUT_SECRET_KEY or run Scout once")
        _create_key_file(settings, path)
    return read_key_file(path)


def read_key_file(path: Path) -> Keyring:
    """The keyring in a key file, refused when others could read it."""
    if path.is_dir():
        raise SecretKeyError(f"{path} is a folder, not a secret key file")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretKeyError(f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    try:
        text = path.read_text()
    except OSError as exc:
        raise SecretKeyError(f"cannot read secret key file {path}: {exc.strerror}") from exc
    return Keyring(_parse_secret(text, str(path)))
