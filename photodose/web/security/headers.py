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
                # a route may set a stricter CSP of its own (the standalone reports)
                own_csp = [(k, v) for k, v in given if k.lower() == b"content-security-policy"]
                headers = [(k, v) for k, v in given
                           if k.decode("latin-1").lower() not in FIXED_HEADERS
                           and k.decode("latin-1").lower() != "cache-control"]  # fmt: skip
                for name, value in FIXED_HEADERS.items():
                    if name == "content-security-policy" and own_csp:
                        headers.extend(own_csp[:1])
                        continue
                    headers.append((name.encode(), value.encode()))
                cache = "public, max-age=3600" if path.startswith(STATIC_PREFIX) else "no-store"
                headers.append((b"cache-control", cache.encode()))
                if tls:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
