"""The web app's tables: user accounts, server-side sessions and login attempts.

They live in the clinic database beside the records (migration 0003), so one
transaction can hold a patient write and its audit row, and disabling an account
ends its sessions in the same commit.

- `WebUser`: a unique user id per person (45 CFR 164.312(a)(2)(i)); email, role,
  Argon2id password hash, TOTP secret and the last TOTP step used (single use).
- `WebSession`: SHA-256 of the session token (never the token), creation and last-seen
  times for the absolute and idle timeouts, revocation time.
- `LoginAttempt`: every attempt, success or not, for throttling and the audit
  (OWASP ASVS 5.0 V6.3.1, V16.3.1); the email is stored as its SHA-256, so a typo of
  someone's address is not kept in clear.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from photodose.clinic.models import Base

ROLES = ("admin", "clinician", "researcher")


class WebUser(Base):
    __tablename__ = "web_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    clinic: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    sessions: Mapped[list[WebSession]] = relationship(back_populates="user")


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), index=True)
    # "pending": password checked, second factor not yet; "active": fully logged in
    stage: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user: Mapped[WebUser] = relationship(back_populates="sessions")


class LoginAttempt(Base):
    __tablename__ = "web_login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email_sha256: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
