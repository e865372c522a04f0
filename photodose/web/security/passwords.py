"""Password policy and hashing.

Policy (OWASP ASVS 5.0, V6.2): at least 8 characters, at least 64 allowed (we allow
128), no composition rules, and a password found in a list of common passwords is
refused. The list is the 30,000 most common passwords shipped by the zxcvbn package
(Wheeler 2016, USENIX Security, "zxcvbn: low-budget password strength estimation"),
used through its API, not copied.

Hashing: Argon2id (RFC 9106) through argon2-cffi with its defaults (RFC 9106's second
recommended option: t=3, m=64 MiB, p=4), ASVS V11.4.2.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from photodose.errors import BadInputError

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def normalise(password: str) -> str:
    """NFKC, so the same password typed on two keyboards hashes the same (ASVS 6.2.x)."""
    return unicodedata.normalize("NFKC", password)


def check_policy(password: str) -> None:
    """BadInputError unless the password meets the policy; never echoes the password."""
    length = len(normalise(password))
    if length < MIN_LENGTH or length > MAX_LENGTH:
        raise BadInputError(
            "password", f"({length} characters)", f"{MIN_LENGTH} to {MAX_LENGTH} characters"
        )
    if normalise(password).lower() in _common_passwords():
        raise BadInputError(
            "password", "(hidden)", "not one of the 30,000 most common passwords"
        )


def hash_password(password: str) -> str:
    check_policy(password)
    return _hasher.hash(normalise(password))


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A hash of a random password: verified against when the account does not exist, so a
# login for an unknown email costs the same time as one for a known email (ASVS 6.3.x).
DUMMY_HASH = _hasher.hash("photodose-no-such-account-7f3a9c")
