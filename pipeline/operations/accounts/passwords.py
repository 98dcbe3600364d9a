"""Password hashing (argon2id) and the strength rule: 12 characters and a zxcvbn score of 3."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12  # ASVS 5.0 6.2.1
MAX_LENGTH = 1024  # argon2 takes any length; this only bounds the work per request
MIN_SCORE = 3  # zxcvbn: "safely unguessable" (~10^8 guesses and up)
_SCORED_PREFIX = 72  # zxcvbn refuses longer input (it gets slow); 72 characters say enough

# OWASP's minimum argon2id profile (m=19 MiB, t=2, p=1): about 30 ms here (docs/security.md).
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the user name is unknown, so both cases cost the same time.
_DUMMY_HASH = HASHER.hash("scout: no such user, the same work as a real check")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one uses old parameters."""
    try:
        HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, (hash_password(password) if HASHER.check_needs_rehash(stored) else None)


def weakness(password: str, user_inputs: list[str]) -> str | None:
    """Why a new password is refused ("short", "long", "weak"), or None when it is fine.

    No composition rules (ASVS 6.2.5): length, and how guessable zxcvbn finds it, given
    the person's names, which its dictionaries of common and leaked passwords cannot know.
    """
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    inputs = [*user_inputs, "scout", "outreach"]
    if zxcvbn(password[:_SCORED_PREFIX], user_inputs=inputs)["score"] < MIN_SCORE:
        return "weak"
    return None
