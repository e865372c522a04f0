"""The session cookies: `__Host-` prefixed, Secure, HttpOnly, SameSite=Strict, Path=/
(RFC 6265bis sec. 4.1.3.2: a __Host- cookie is only accepted with Secure, no Domain and
Path=/, so a sibling subdomain cannot plant or read it)."""

from __future__ import annotations

from fastapi import Request, Response

SESSION_COOKIE = "__Host-photodose-session"
PENDING_COOKIE = "__Host-photodose-pending"
PRELOGIN_COOKIE = "__Host-photodose-prelogin"
PLAIN_PREFIX = "__Host-"


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/",
                        secure=bool(request.app.state.secure_cookies))  # fmt: skip


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict",
                           secure=bool(request.app.state.secure_cookies))  # fmt: skip
