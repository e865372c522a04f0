"""Random tokens for sessions and CSRF, stored only as SHA-256 hashes.

A session token is 32 bytes (256 bits) from the operating system's CSPRNG (ASVS 5.0
V7.2.3 asks for at least 128 bits); the database keeps its SHA-256, so a copy of the
database cannot be replayed as cookies."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
