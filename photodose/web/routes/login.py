"""Sign in (password, then the TOTP second factor), sign out: pages and JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from photodose.web import auth
from photodose.web.access import ANY_ROLE, PUBLIC, Access
from photodose.web.cookies import (
    PENDING_COOKIE,
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    set_cookie,
)
from photodose.web.deps import now, transaction
from photodose.web.security.tokens import new_token

router = APIRouter()
Public = Annotated[object, Depends(Access(PUBLIC))]
Signed = Annotated[auth.Identity, Depends(Access(ANY_ROLE))]
# committed before the response is sent (scope="function"): an answer the client has
# seen is never ahead of the database
Db = Annotated[Session, Depends(transaction, scope="function")]


class Credentials(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class SecondFactor(BaseModel):
    code: str = Field(min_length=6, max_length=8, description="the 6-digit TOTP code")


class SignedIn(BaseModel):
    role: str
    csrf_token: str = Field(description="send as X-CSRF-Token on every POST")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Refusals are returned, not raised, so that the request's transaction commits the
# attempt and its audit row.
def _throttled() -> JSONResponse:
    return JSONResponse({"detail": "too many failed sign-ins; wait 15 minutes"},
                        status_code=429, headers={"Retry-After": "900"})  # fmt: skip


def _refused() -> JSONResponse:
    return JSONResponse({"detail": "wrong email, password or code"}, status_code=401)


# -- JSON ---------------------------------------------------------------------------------


@router.post("/api/auth/login", tags=["auth"])
def api_login(body: Credentials, request: Request, _: Public,
              db: Db) -> Response:  # fmt: skip
    """Step 1: email and password. Sets a short-lived pending cookie for step 2."""
    try:
        pending = auth.begin_login(db, email=body.email, password=body.password,
                                   client=_client(request), now=now(request))  # fmt: skip
    except auth.LoginThrottled:
        return _throttled()
    except auth.LoginRefused:
        return _refused()
    answer = JSONResponse({"next": "POST /api/auth/second-factor with the TOTP code"})
    set_cookie(request, answer, PENDING_COOKIE, pending)
    return answer


@router.post("/api/auth/second-factor", tags=["auth"])
def api_second_factor(body: SecondFactor, request: Request, _: Public,
                      db: Db) -> Response:  # fmt: skip
    """Step 2: the TOTP code. Sets the session cookie; returns the role and CSRF token."""
    token = _finish(db, request, body.code)
    if isinstance(token, Response):
        return token
    identity = auth.identify(db, token, now(request))
    assert identity is not None
    answer = JSONResponse(SignedIn(role=identity.role,
                                   csrf_token=auth.csrf_token(token)).model_dump())
    clear_cookie(request, answer, PENDING_COOKIE)
    set_cookie(request, answer, SESSION_COOKIE, token)
    return answer


def _finish(db: Session, request: Request, code: str) -> str | JSONResponse:
    pending = request.cookies.get(PENDING_COOKIE, "")
    try:
        return auth.finish_login(db, pending_token=pending, code=code, client=_client(request),
                                 now=now(request))  # fmt: skip
    except auth.LoginThrottled:
        return _throttled()
    except auth.LoginRefused:
        return _refused()


@router.post("/api/auth/logout", tags=["auth"])
def api_logout(request: Request, response: Response, identity: Signed, db: Db) -> dict[str, str]:
    auth.logout(db, identity, now(request))
    clear_cookie(request, response, SESSION_COOKIE)
    return {"status": "signed out"}


@router.get("/api/auth/me", tags=["auth"])
def api_me(request: Request, identity: Signed) -> SignedIn:
    return SignedIn(role=identity.role, csrf_token=auth.csrf_token(request.state.session_token))


# -- pages --------------------------------------------------------------------------------


def _login_page(request: Request, message: str = "", status: int = 200) -> Response:
    token = new_token()
    response = request.app.state.templates.TemplateResponse(
        request, "login.html", {"prelogin": token, "message": message}, status_code=status)
    set_cookie(request, response, PRELOGIN_COOKIE, token)
    return response


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, _: Public) -> Response:
    return _login_page(request)


@router.post("/login", include_in_schema=False)
def login_form(request: Request, _: Public, db: Db,
               email: Annotated[str, Form(max_length=254)],
               password: Annotated[str, Form(max_length=1024)]) -> Response:  # fmt: skip
    try:
        pending = auth.begin_login(db, email=email, password=password, client=_client(request),
                                   now=now(request))  # fmt: skip
    except auth.LoginThrottled:
        return _login_page(request, "Too many failed sign-ins. Wait 15 minutes.", 429)
    except auth.LoginRefused:
        return _login_page(request, "Wrong email or password.", 401)
    token = new_token()
    response = request.app.state.templates.TemplateResponse(
        request, "second_factor.html", {"prelogin": token, "message": ""})
    set_cookie(request, response, PENDING_COOKIE, pending)
    set_cookie(request, response, PRELOGIN_COOKIE, token)
    return response


@router.post("/login/second-factor", include_in_schema=False)
def second_factor_form(request: Request, _: Public, db: Db,
                       code: Annotated[str, Form(max_length=8)]) -> Response:  # fmt: skip
    token = _finish(db, request, code)
    if isinstance(token, Response):
        if token.status_code == 429:
            return _login_page(request, "Too many failed sign-ins. Wait 15 minutes.", 429)
        return _login_page(request, "Wrong or expired code. Sign in again.", 401)
    response = RedirectResponse("/", status_code=303)
    clear_cookie(request, response, PENDING_COOKIE)
    clear_cookie(request, response, PRELOGIN_COOKIE)
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, identity: Signed, db: Db) -> Response:
    auth.logout(db, identity, now(request))
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    return response
