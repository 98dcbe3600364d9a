"""Passwords: argon2id at OWASP's minimum profile, rehash on change, length + zxcvbn, no
composition rules."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters

from pipeline.operations.accounts import passwords


def test_passwords_hash_is_argon2id_with_the_minimum_profile() -> None:
    stored = passwords.hash_password("plum harbour violet seventy")
    params = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)
    assert "plum" not in stored


def test_passwords_verify_accepts_the_password_and_refuses_others() -> None:
    stored = passwords.hash_password("plum harbour violet seventy")
    assert passwords.verify_password(stored, "plum harbour violet seventy") == (True, None)
    assert passwords.verify_password(stored, "plum harbour violet sevent") == (False, None)
    assert passwords.verify_password(None, "anything at all here") == (False, None)
    assert passwords.verify_password("not a hash", "anything at all here") == (False, None)


def test_passwords_old_parameters_give_a_new_hash_on_login() -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    ok, new_hash = passwords.verify_password(
        weaker.hash("plum harbour violet seventy"), "plum harbour violet seventy"
    )
    assert ok and new_hash is not None
    assert extract_parameters(new_hash).memory_cost == 19 * 1024


def test_passwords_strength_rule() -> None:
    assert passwords.weakness("Sh0rt!pass", []) == "short"  # 10 characters
    assert passwords.weakness("password1234", []) == "weak"  # a common password
    assert passwords.weakness("kimhansenkimhansen", ["kimhansen"]) == "weak"  # own name
    assert passwords.weakness("x" * 1025, []) == "long"
    # no composition rules: lower-case words with spaces are fine, and so are 64+ characters
    assert passwords.weakness("plum harbour violet seventy", []) is None
    long = "the quiet lantern by the orchard gate hums seven old songs to passing rivers at dusk"
    assert len(long) > 72 and passwords.weakness(long, []) is None
