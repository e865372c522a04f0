"""The first admin account, from the environment or the terminal: there is no default
account (OWASP ASVS 5.0 V6.3.2)."""

from __future__ import annotations

import getpass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from photodose.web import auth
from photodose.web.accounts import WebUser
from photodose.web.clock import utc_now
from photodose.web.security import totp


def has_admin(engine: Engine) -> bool:
    with Session(engine) as db:
        return bool(db.scalar(select(func.count(WebUser.id)).where(WebUser.role == "admin")))


def ensure_first_admin(engine: Engine, *, email: str | None, password: str | None,
                       ask: bool) -> tuple[str, str] | None:  # fmt: skip
    """Create the first admin when there is none; returns (email, TOTP enrolment URI), or
    None when an admin exists or no credentials were given (and none could be asked)."""
    if has_admin(engine):
        return None
    if not (email and password):
        if not ask:
            return None
        email = input("first admin email: ").strip()
        password = getpass.getpass("first admin password (at least 8 characters): ")
    with Session(engine) as db, db.begin():
        user, secret = auth.create_user(db, email=email, password=password, role="admin",
                                        clinic="default", now=utc_now())  # fmt: skip
        assert secret is not None
        return user.email, totp.provisioning_uri(secret, user.email)

