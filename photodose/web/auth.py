"""Accounts and logins: who may come in, and for how long.

Login is two steps (OWASP ASVS 5.0 V6.3.3: MFA at level 2): email and password give a
*pending* session good only for the second factor; a valid TOTP code turns it into a
new *active* session with a fresh token (V7.2.4: a new token at authentication, so a
token planted before login is worthless). Sessions end after 30 minutes idle or 12 hours
in all (V7.3.1-2, the values ASVS 4.0.3 suggests; 45 CFR 164.312(a)(2)(iii) automatic
logoff), at logout, when the account is disabled, or when an admin ends them (V7.4.1-5).

Throttling (V6.3.1): at most 5 failed attempts per account and 50 per client address in
15 minutes; beyond that the login is refused with HTTP 429 before the password is
checked, and the refusal is counted and audited like any attempt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from photodose.clinic import audit
from photodose.errors import BadInputError
from photodose.web.accounts import ROLES, LoginAttempt, WebSession, WebUser
from photodose.web.security import passwords, tokens, totp

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
PENDING_TIMEOUT = dt.timedelta(minutes=5)
TOUCH_INTERVAL = dt.timedelta(minutes=1)
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 50

Clock = Callable[[], dt.datetime]
"""Now, UTC, naive (the database convention); tests inject their own."""


class LoginRefused(Exception):
    """Wrong email, password or code: one message for all, so none is revealed."""


class LoginThrottled(Exception):
    """Too many failed attempts: HTTP 429."""


@dataclass(frozen=True)
class Identity:
    """The signed-in user as the routes see it."""

    user_id: int
    email: str
    role: str
    clinic: str
    session_id: int

    @property
    def actor(self) -> str:
        # the audit names a user by id, never by email (no personal data in the log)
        return f"user:{self.user_id}"


def email_key(email: str) -> str:
    return email.strip().lower()


def _email_sha(email: str) -> str:
    return hashlib.sha256(email_key(email).encode()).hexdigest()


def create_user(
    db: Session, *, email: str, password: str, role: str, clinic: str, now: dt.datetime,
    actor: str = "system", with_totp: bool = True,
) -> tuple[WebUser, str | None]:
    """A new account and, for every role, its TOTP secret (shown once, for enrolment)."""
    if role not in ROLES:
        raise BadInputError("role", role, f"one of {', '.join(ROLES)}")
    key = email_key(email)
    if "@" not in key or len(key) > 254 or key.startswith("@") or key.endswith("@"):
        raise BadInputError("email", "(hidden)", "an email address of at most 254 characters")
    if db.scalar(select(WebUser.id).where(WebUser.email == key)) is not None:
        raise BadInputError("email", "(hidden)", "an address without an account yet")
    secret = totp.new_secret() if with_totp else None
    user = WebUser(email=key, role=role, clinic=clinic,
                   password_hash=passwords.hash_password(password), totp_secret=secret,
                   totp_last_step=None, disabled=False, created_at=now)  # fmt: skip
    db.add(user)
    db.flush()
    audit.append(db, actor=actor, action="create", entity="web_user", entity_id=user.id,
                 detail={"role": role, "clinic": clinic}, at=now)  # fmt: skip
    return user, secret


def _record_attempt(db: Session, email: str, client: str, ok: bool, now: dt.datetime) -> None:
    db.add(LoginAttempt(email_sha256=_email_sha(email), client=client[:64], at=now,
                        succeeded=ok))  # fmt: skip


def _failures(db: Session, column: InstrumentedAttribute[str], value: str,
              now: dt.datetime) -> int:
    since = now - THROTTLE_WINDOW
    return db.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
        )
    ) or 0


def begin_login(db: Session, *, email: str, password: str, client: str,
                now: dt.datetime) -> str:
    """Check email and password; return a pending session token for the second factor.

    Raises LoginThrottled or LoginRefused; every outcome is recorded and audited."""
    sha = _email_sha(email)
    if (_failures(db, LoginAttempt.email_sha256, sha, now) >= MAX_FAILURES_PER_ACCOUNT
            or _failures(db, LoginAttempt.client, client[:64], now) >= MAX_FAILURES_PER_CLIENT):
        _record_attempt(db, email, client, False, now)
        audit.append(db, actor="anonymous", action="login_throttled", entity="web_user",
                     entity_id=None, detail={"email_sha256": sha}, at=now)  # fmt: skip
        raise LoginThrottled()
    user = db.scalar(select(WebUser).where(WebUser.email == email_key(email)))
    stored = user.password_hash if user is not None else passwords.DUMMY_HASH
    ok = passwords.verify_password(stored, password) and user is not None and not user.disabled
    _record_attempt(db, email, client, ok, now)
    if not ok or user is None:
        audit.append(db, actor="anonymous", action="login_failed", entity="web_user",
                     entity_id=user.id if user else None, detail={"step": "password"},
                     at=now)  # fmt: skip
        raise LoginRefused()
    token = tokens.new_token()
    db.add(WebSession(token_hash=tokens.token_hash(token), user_id=user.id, stage="pending",
                      created_at=now, last_seen_at=now, revoked_at=None))  # fmt: skip
    return token


def finish_login(db: Session, *, pending_token: str, code: str, client: str,
                 now: dt.datetime) -> str:
    """Check the TOTP code for a pending session; return a new active session token."""
    pending = db.scalar(select(WebSession).where(
        WebSession.token_hash == tokens.token_hash(pending_token),
        WebSession.stage == "pending", WebSession.revoked_at.is_(None)))  # fmt: skip
    if pending is None or now - pending.created_at > PENDING_TIMEOUT:
        raise LoginRefused()
    user = pending.user
    pending.revoked_at = now  # single use, whatever happens next
    if _failures(db, LoginAttempt.email_sha256, _email_sha(user.email), now) >= \
            MAX_FAILURES_PER_ACCOUNT:
        _record_attempt(db, user.email, client, False, now)
        raise LoginThrottled()
    step = None
    if user.totp_secret is not None and not user.disabled:
        step = totp.matched_step(user.totp_secret, code, now.replace(tzinfo=dt.UTC).timestamp(),
                                 user.totp_last_step)  # fmt: skip
    if step is None:
        _record_attempt(db, user.email, client, False, now)
        audit.append(db, actor=f"user:{user.id}", actor_role=user.role, action="login_failed",
                     entity="web_user", entity_id=user.id, detail={"step": "totp"}, at=now)
        raise LoginRefused()
    user.totp_last_step = step
    _record_attempt(db, user.email, client, True, now)
    token = tokens.new_token()
    db.add(WebSession(token_hash=tokens.token_hash(token), user_id=user.id, stage="active",
                      created_at=now, last_seen_at=now, revoked_at=None))  # fmt: skip
    audit.append(db, actor=f"user:{user.id}", actor_role=user.role, action="login",
                 entity="web_user", entity_id=user.id, detail={}, at=now)
    return token


def identify(db: Session, token: str | None, now: dt.datetime) -> Identity | None:
    """The active session for a cookie's token, or None (expired, revoked, unknown);
    touching it moves the idle deadline."""
    if not token:
        return None
    session = db.scalar(select(WebSession).where(
        WebSession.token_hash == tokens.token_hash(token), WebSession.stage == "active"))
    if session is None or session.revoked_at is not None:
        return None
    user = session.user
    expired = (now - session.last_seen_at > IDLE_TIMEOUT
               or now - session.created_at > ABSOLUTE_TIMEOUT)  # fmt: skip
    if expired or user.disabled:
        session.revoked_at = now
        return None
    # moved at most once a minute, so that a burst of requests does not queue for the
    # database's write lock just to move the idle deadline (which is then exact to 1 min)
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
    return Identity(user_id=user.id, email=user.email, role=user.role, clinic=user.clinic,
                    session_id=session.id)  # fmt: skip


# one joined read, built once: every signed-in request makes it
_ACTIVE_SESSION = (
    select(WebSession.id, WebSession.created_at, WebSession.last_seen_at,
           WebSession.revoked_at, WebUser.id.label("user_id"), WebUser.email, WebUser.role,
           WebUser.clinic, WebUser.disabled)
    .join(WebUser, WebUser.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("token_hash"), WebSession.stage == "active")
)  # fmt: skip


def read_identity(connection: Connection, token: str | None,
                  now: dt.datetime) -> tuple[Identity | None, bool]:  # fmt: skip
    """What `identify` answers, from one read, and whether the session row must be written
    (to end an expired session or move the idle deadline): then `identify` does that, in
    a write transaction, and its answer is the one to use."""
    if not token:
        return None, False
    row = connection.execute(_ACTIVE_SESSION, {"token_hash": tokens.token_hash(token)}).first()
    if row is None or row.revoked_at is not None:
        return None, False
    expired = (now - row.last_seen_at > IDLE_TIMEOUT
               or now - row.created_at > ABSOLUTE_TIMEOUT)  # fmt: skip
    if expired or row.disabled:
        return None, True
    identity = Identity(user_id=row.user_id, email=row.email, role=row.role, clinic=row.clinic,
                        session_id=row.id)  # fmt: skip
    return identity, now - row.last_seen_at >= TOUCH_INTERVAL


def logout(db: Session, identity: Identity, now: dt.datetime) -> None:
    db.execute(update(WebSession).where(WebSession.id == identity.session_id)
               .values(revoked_at=now))  # fmt: skip
    audit.append(db, actor=identity.actor, actor_role=identity.role, action="logout",
                 entity="web_user", entity_id=identity.user_id, detail={}, at=now)


def end_sessions(db: Session, user_id: int, now: dt.datetime) -> int:
    """Revoke every open session of a user; returns how many."""
    result = db.execute(update(WebSession).where(
        WebSession.user_id == user_id, WebSession.revoked_at.is_(None)).values(revoked_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def set_disabled(db: Session, user_id: int, disabled: bool, actor: Identity,
                 now: dt.datetime) -> None:
    user = db.get(WebUser, user_id)
    if user is None:
        raise BadInputError("user id", user_id, "an existing account")
    user.disabled = disabled
    if disabled:
        end_sessions(db, user_id, now)
    audit.append(db, actor=actor.actor, actor_role=actor.role,
                 action="disable" if disabled else "enable", entity="web_user",
                 entity_id=user_id, detail={}, at=now)  # fmt: skip


def csrf_token(session_token: str) -> str:
    """The form token of a session: HMAC of a fixed label under the session token, so it
    needs no storage and is worthless without the cookie (ASVS 5.0 V3.5.1)."""
    import hmac

    return hmac.new(session_token.encode(), b"photodose-csrf", hashlib.sha256).hexdigest()
