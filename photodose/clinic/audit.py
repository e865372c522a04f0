"""The audit log: one row per write, append-only, chained by SHA-256.

Each row's hash is SHA-256 over a canonical JSON of its fields (time, actor, role, action,
entity, entity id, detail) and the previous row's hash; the first row chains to 64 zeros.
Changing, removing or inserting a row anywhere breaks every hash after it, which
`verify_chain` finds. The database refuses UPDATE and DELETE on the table (triggers made
by migration 0001). `actor_role` (migration 0002) enters the hash only when set, so rows
written before that migration keep verifying.

Writers serialise: SQLite by BEGIN IMMEDIATE (clinic/database.py), PostgreSQL by a
transaction-level advisory lock taken before the last hash is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from photodose.clinic.models import AuditEntry

GENESIS_HASH = "0" * 64
# any constant: the key of PostgreSQL's advisory lock that orders audit writes
PG_AUDIT_LOCK_KEY = 0x70686F746F


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    *,
    at: dt.datetime,
    actor: str,
    actor_role: str | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail_json: str,
    prev_hash: str,
) -> str:
    fields: dict[str, Any] = {
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail_json,
        "prev": prev_hash,
    }
    if actor_role is not None:
        fields["actor_role"] = actor_role
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def lock_for_append(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_AUDIT_LOCK_KEY})


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any],
    actor_role: str | None = None,
    at: dt.datetime | None = None,
    last_hash: str | None = None,
) -> None:
    """Add the next audit row inside the caller's transaction (lock taken first).

    `last_hash`: the newest row's hash as the caller read it (LAST_HASH, "" for an empty
    log) in this transaction after `lock_for_append`, to spare a statement."""
    if last_hash is None:
        lock_for_append(session)
    # the caller's pending rows go first, so they have ids before their audit row names them
    session.flush()
    if last_hash is None:
        last_hash = session.connection().execute(LAST_HASH).scalar()
    prev = last_hash or GENESIS_HASH
    when = at or utc_now()
    detail_json = canonical_json(detail)
    row = {
        "at": when,
        "actor": actor,
        "actor_role": actor_role,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "detail_json": detail_json,
        "prev_hash": prev,
    }
    row["hash"] = entry_hash(
        at=when,
        actor=actor,
        actor_role=actor_role,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail_json=detail_json,
        prev_hash=prev,
    )
    # a Core insert: the row is never read back through this session's objects
    session.connection().execute(_INSERT, row)


LAST_HASH = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_INSERT = insert(AuditEntry)


def utc_now() -> dt.datetime:
    """Now in UTC, naive (the database convention), to the microsecond."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_id: int | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "ok": self.ok,
            "first_bad_id": self.first_bad_id,
            "problem": self.problem,
        }


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in id order; the first row that does not match is reported."""
    prev = GENESIS_HASH
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != prev:
            return ChainReport(
                count, False, entry.id, "previous hash is not the hash of the row before"
            )
        expected = entry_hash(
            at=entry.at,
            actor=entry.actor,
            actor_role=entry.actor_role,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            detail_json=entry.detail_json,
            prev_hash=entry.prev_hash,
        )
        if entry.hash != expected:
            return ChainReport(count, False, entry.id, "row changed after it was written")
        prev = entry.hash
    return ChainReport(count, True, None, "")
