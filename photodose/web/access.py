"""Who may call what: every route declares the roles it admits, and the app refuses to
start if a route declares none (default deny, OWASP ASVS 5.0 V8.1.1, V8.2.1).

Rules (documented in docs/web.md):
- admin: accounts and sessions; the clinic's patients (as a clinician of that clinic);
- clinician: the patients of their own clinic (object-level check on every patient id);
- researcher: de-identified data only (clinic-wide outcome summaries, the de-identified
  export); never a patient's page, id or pseudonym.
`PUBLIC` routes (login, static assets, health) need no session.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from photodose.clinic import audit
from photodose.web.auth import Identity
from photodose.web.csrf import check_prelogin_csrf, check_session_csrf

PUBLIC: tuple[str, ...] = ()
CLINICAL = ("admin", "clinician")
ANY_ROLE = ("admin", "clinician", "researcher")
ADMIN = ("admin",)


@dataclass(frozen=True)
class Access:
    """A FastAPI dependency that admits the given roles (empty: public) and checks the
    CSRF token of every state-changing request."""

    roles: tuple[str, ...]

    async def __call__(self, request: Request) -> Identity | None:
        identity: Identity | None = request.state.identity
        if not self.roles:
            await check_prelogin_csrf(request)
            return identity
        if identity is None:
            raise HTTPException(status_code=401, detail="sign in first")
        if identity.role not in self.roles:
            await run_in_threadpool(_audit_denied, request, identity)
            raise HTTPException(status_code=403, detail="not allowed for your role")
        await check_session_csrf(request)
        return identity


def _audit_denied(request: Request, identity: Identity) -> None:
    # failed authorisations are logged (ASVS 5.0 V16.3.2); the route's template path,
    # never the URL with its ids
    route = request.scope.get("route")
    audit_event(request, identity, "denied", "route",
                {"route": getattr(route, "path", "?"), "method": request.method})


def audit_event(request: Request, identity: Identity | None, action: str, entity: str,
                detail: dict[str, str]) -> None:  # fmt: skip
    with Session(request.app.state.engine) as db, db.begin():
        audit.append(db, actor=identity.actor if identity else "anonymous",
                     actor_role=identity.role if identity else None, action=action,
                     entity=entity, entity_id=None, detail=detail,
                     at=request.app.state.clock())  # fmt: skip


def declared_access(route: object) -> Access | None:
    """The Access dependency of a route, if it has one."""
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    stack = list(dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Access):
            return dependency.call
        stack.extend(dependency.dependencies)
    return None
