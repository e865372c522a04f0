"""What route handlers share: a database transaction per request, the clock, the
clinic repository acting as the signed-in user, and the audit of reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from photodose.clinic import audit
from photodose.clinic.repository import Clinic
from photodose.web.auth import Identity


def now(request: Request) -> dt.datetime:
    return request.app.state.clock()  # type: ignore[no-any-return]


def transaction(request: Request) -> Iterator[Session]:
    """One transaction: committed when the handler returns, rolled back if it raises."""
    with Session(request.app.state.engine, expire_on_commit=False) as db, db.begin():
        yield db


def clinic_as(request: Request, identity: Identity) -> Clinic:
    """The clinic repository writing as this user (its audit rows name the user by id)."""
    return Clinic(request.app.state.engine, actor=identity.actor, actor_role=identity.role,
                  clock=request.app.state.clock)  # fmt: skip


def audit_read(request: Request, identity: Identity, entity: str, entity_id: int | None,
               detail: dict[str, Any] | None = None) -> None:  # fmt: skip
    """An audit row for a read of patient data (45 CFR 164.312(b) audit controls)."""
    with Session(request.app.state.engine) as db, db.begin():
        audit.append(db, actor=identity.actor, actor_role=identity.role, action="read",
                     entity=entity, entity_id=entity_id, detail=detail or {},
                     at=now(request))  # fmt: skip


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status: int = 200) -> Any:  # fmt: skip
    """A page with the signed-in user and the session's form token in its context."""
    from photodose.web.auth import csrf_token

    token = request.state.session_token
    page = {"identity": request.state.identity, "csrf": csrf_token(token) if token else ""}
    return request.app.state.templates.TemplateResponse(
        request, template, page | (context or {}), status_code=status)
