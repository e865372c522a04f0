"""CSRF protection for every state-changing request (OWASP ASVS 5.0 V3.5.1).

Signed in: the request carries the session's form token (`csrf_token` form field, or the
`X-CSRF-Token` header for the JSON API); the token is an HMAC under the session token
(web/auth.py), so a page on another site can neither read nor forge it. SameSite=Strict
cookies are the second layer. Before sign-in, the login form uses a double-submit token:
a random value in a __Host- cookie and the same value in the form.
JSON bodies are only parsed with Content-Type application/json, which a cross-site form
cannot send without a CORS preflight that this app never grants.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from photodose.web.auth import csrf_token
from photodose.web.cookies import PRELOGIN_COOKIE
from photodose.web.security.tokens import same

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FIELD = "csrf_token"
HEADER = "x-csrf-token"


async def submitted_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_session_csrf(request: Request) -> None:
    if request.method not in UNSAFE_METHODS:
        return
    token = request.state.session_token or ""
    given = await submitted_token(request)
    if not token or not given or not same(given, csrf_token(token)):
        raise HTTPException(status_code=403, detail="missing or wrong form token (CSRF)")


async def check_prelogin_csrf(request: Request) -> None:
    """For the login forms: the double-submit token (JSON logins need no token)."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("content-type", "").startswith("application/json"):
        return
    cookie = request.cookies.get(PRELOGIN_COOKIE, "")
    given = await submitted_token(request)
    if not cookie or not given or not same(cookie, given):
        raise HTTPException(status_code=403, detail="missing or wrong form token (CSRF)")
