"""Accounts: an admin creates users (the TOTP secret is shown once, for enrolment),
disables them (their sessions end at once) and ends a user's sessions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from photodose.web import auth
from photodose.web.access import ADMIN, Access
from photodose.web.accounts import WebUser
from photodose.web.deps import now, transaction
from photodose.web.ids import RecordId
from photodose.web.security import totp

router = APIRouter()
Admin = Annotated[auth.Identity, Depends(Access(ADMIN))]
# committed before the response is sent (scope="function"): an answer the client has
# seen is never ahead of the database
Db = Annotated[Session, Depends(transaction, scope="function")]
Role = Literal["admin", "clinician", "researcher"]


class NewUser(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=8, max_length=128)
    role: Role
    clinic: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")


class UserOut(BaseModel):
    id: int
    email: str
    role: str
    clinic: str
    disabled: bool


class Enrolment(BaseModel):
    user: UserOut
    totp_uri: str = Field(description="shown once: add it to an authenticator app")


def _out(user: WebUser) -> UserOut:
    return UserOut(id=user.id, email=user.email, role=user.role, clinic=user.clinic,
                   disabled=user.disabled)  # fmt: skip


def _users(db: Session) -> list[UserOut]:
    return [_out(u) for u in db.scalars(select(WebUser).order_by(WebUser.id))]


def _create(db: Session, request: Request, identity: auth.Identity, body: NewUser) -> Enrolment:
    user, secret = auth.create_user(db, email=body.email, password=body.password,
                                    role=body.role, clinic=body.clinic, now=now(request),
                                    actor=identity.actor)  # fmt: skip
    assert secret is not None
    return Enrolment(user=_out(user), totp_uri=totp.provisioning_uri(secret, user.email))


@router.get("/api/admin/users", tags=["admin"])
def api_users(_: Admin, db: Db) -> list[UserOut]:
    return _users(db)


@router.post("/api/admin/users", tags=["admin"], status_code=201)
def api_create_user(body: NewUser, request: Request, identity: Admin, db: Db) -> Enrolment:
    return _create(db, request, identity, body)


@router.post("/api/admin/users/{user_id}/disable", tags=["admin"])
def api_disable(user_id: RecordId, request: Request, identity: Admin, db: Db) -> UserOut:
    auth.set_disabled(db, user_id, True, identity, now(request))
    return _out(db.get(WebUser, user_id))  # type: ignore[arg-type]


@router.post("/api/admin/users/{user_id}/enable", tags=["admin"])
def api_enable(user_id: RecordId, request: Request, identity: Admin, db: Db) -> UserOut:
    auth.set_disabled(db, user_id, False, identity, now(request))
    return _out(db.get(WebUser, user_id))  # type: ignore[arg-type]


@router.post("/api/admin/users/{user_id}/end-sessions", tags=["admin"])
def api_end_sessions(user_id: RecordId, request: Request, _: Admin, db: Db) -> dict[str, int]:
    return {"ended": auth.end_sessions(db, user_id, now(request))}


@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, identity: Admin, db: Db) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, "users.html", {"identity": identity, "users": _users(db), "enrolment": None,
                                "csrf": auth.csrf_token(request.state.session_token)})


@router.post("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def create_user_form(request: Request, identity: Admin, db: Db,
                     email: Annotated[str, Form(max_length=254)],
                     password: Annotated[str, Form(max_length=128)],
                     role: Annotated[Role, Form()],
                     clinic: Annotated[str, Form(max_length=64)] = "default",
                     ) -> Response:  # fmt: skip
    enrolment = _create(db, request, identity, NewUser(email=email, password=password,
                                                       role=role, clinic=clinic))  # fmt: skip
    return request.app.state.templates.TemplateResponse(
        request, "users.html", {"identity": identity, "users": _users(db),
                                "enrolment": enrolment,
                                "csrf": auth.csrf_token(request.state.session_token)})


@router.post("/admin/users/{user_id}/disable", include_in_schema=False)
def disable_form(user_id: RecordId, request: Request, identity: Admin, db: Db) -> Response:
    auth.set_disabled(db, user_id, True, identity, now(request))
    return RedirectResponse("/admin/users", status_code=303)
