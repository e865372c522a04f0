"""TOTP second factor (RFC 6238, 30 s steps, 6 digits, SHA-1 as authenticator apps
expect) through pyotp. A code is accepted once: the time step it matched is stored and
an equal or earlier step is refused (ASVS 5.0 V6.5.1: single use). One step of clock
drift either way is allowed (RFC 6238 sec. 5.2)."""

from __future__ import annotations

import pyotp

STEP_S = 30
ISSUER = "photodose"


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, RFC 4226 sec. 4 R6


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_S).provisioning_uri(name=account, issuer_name=ISSUER)


def code_at(secret: str, time_s: float) -> str:
    return pyotp.TOTP(secret, interval=STEP_S).at(int(time_s))


def matched_step(secret: str, code: str, time_s: float, last_step: int | None) -> int | None:
    """The time step `code` is valid for (current, one before or one after), or None;
    a step at or before `last_step` (already used) is refused."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_S)
    now_step = int(time_s) // STEP_S
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.at(step * STEP_S), code):
            return step
    return None
