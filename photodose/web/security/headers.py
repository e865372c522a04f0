"""Security headers on every response (OWASP ASVS 5.0 V3.4, V14.3).

- Content-Security-Policy: only our own origin; no inline script; frames refused
  (frame-ancestors 'none' replaces X-Frame-Options, which is kept for old browsers).
- Cache-Control: no-store on everything but the static assets, since any page may hold
  patient data (ASVS V14.3.2).
- Strict-Transport-Security only when the request came over TLS (RFC 6797 sec. 7.2:
  a host must not send it over plain HTTP).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
FIXED_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
STATIC_PREFIX = "/static/"


# encoded once, not per response
_FIXED = [(name.encode(), value.encode()) for name, value in FIXED_HEADERS.items()]
_REPLACED = frozenset({*(name for name, _ in _FIXED), b"cache-control"})
_CSP = b"content-security-policy"
_NO_STORE = (b"cache-control", b"no-store")
_STATIC_CACHE = (b"cache-control", b"public, max-age=3600")
_HSTS = (b"strict-transport-security", HSTS.encode())


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                headers = [(k, v) for k, v in given if k.lower() not in _REPLACED]
                # a route may set a stricter CSP of its own (the standalone reports)
                own_csp = [(k, v) for k, v in given if k.lower() == _CSP]
                if own_csp:
                    headers.extend(own_csp[:1])
                    headers.extend(item for item in _FIXED if item[0] != _CSP)
                else:
                    headers.extend(_FIXED)
                headers.append(_STATIC_CACHE if path.startswith(STATIC_PREFIX) else _NO_STORE)
                if tls:
                    headers.append(_HSTS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
