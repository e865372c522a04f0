"""The web app: `create_app(url)` gives a FastAPI application on a clinic database.

Pages are rendered on the server (Jinja2) and work without JavaScript; every asset is
served from the package (no CDN); `/api` offers the same actions as JSON, described at
`/openapi.json`. Route handlers are plain functions (run in a thread pool) that call the
clinic repository and the planner; they format, they do not compute. Recording a session
through the API, the busiest write, is async instead: two short reads on the event loop
and a write queued for the group commit (clinic/group_commit.py), holding no thread.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from photodose._version import __version__
from photodose.clinic.database import make_engine, require_current, single_read
from photodose.clinic.group_commit import GroupCommitter
from photodose.errors import PhotodoseError
from photodose.web import auth
from photodose.web.access import declared_access
from photodose.web.clock import utc_now
from photodose.web.cookies import SESSION_COOKIE
from photodose.web.security.headers import SecurityHeaders

HERE = Path(__file__).parent
log = logging.getLogger("photodose.web")


def create_app(
    url: str | None = None,
    *,
    clock: Callable[[], object] = utc_now,
    secure_cookies: bool = True,
) -> FastAPI:
    """The app on the clinic database at `url` (which must be at the newest schema).

    `secure_cookies=False` only for plain-HTTP test clients that drop Secure cookies."""
    from photodose.web.routes import register_routes

    engine = make_engine(url)
    require_current(engine)
    committer = GroupCommitter(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        committer.close()  # what is queued is committed before the server stops

    app = FastAPI(title="photodose", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=lifespan)  # fmt: skip
    app.state.engine = engine
    app.state.committer = committer
    app.state.clock = clock
    app.state.secure_cookies = secure_cookies
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    register_routes(app)
    _refuse_undeclared_routes(app)
    _add_error_handlers(app)

    app.add_middleware(Identify, engine=engine, clock=clock)
    app.add_middleware(SecurityHeaders)
    return app


class Identify:
    """ASGI middleware: who is signed in (request.state.identity, None for nobody) and the
    session token (request.state.session_token), for every request but static assets.

    The session is checked on every request (revocation takes effect at once) by one
    indexed read on the event loop; the write lock is taken, in a worker thread, only to
    move the idle deadline (once a minute) or to end an expired session."""

    def __init__(self, app: ASGIApp, engine: Engine, clock: Callable[[], object]) -> None:
        self.app = app
        self.engine = engine
        self.reader = single_read(engine)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope.setdefault("state", {})
            token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
            state["session_token"] = token
            state["identity"] = None
            if token and not scope["path"].startswith("/static/"):
                now = self.clock()
                with self.reader.connect() as connection:
                    identity, must_write = auth.read_identity(connection, token, now)  # type: ignore[arg-type]
                if must_write:
                    identity = await run_in_threadpool(_identify, self.engine, token, now)
                state["identity"] = identity
        await self.app(scope, receive, send)


def _identify(engine: Engine, token: str, now: object) -> auth.Identity | None:
    with Session(engine) as db, db.begin():
        return auth.identify(db, token, now)  # type: ignore[arg-type]


def _refuse_undeclared_routes(app: FastAPI) -> None:
    """Default deny: a route without an Access declaration is a bug, caught at start."""
    from fastapi.routing import APIRoute

    missing = [route.path for route in app.routes
               if isinstance(route, APIRoute) and declared_access(route) is None]  # fmt: skip
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _add_error_handlers(app: FastAPI) -> None:
    def page(request: Request, status: int, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        response = page(request, error.status_code, str(error.detail))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        # name the field and the rule, never echo the value (it may be patient data)
        problems = [{"field": ".".join(str(p) for p in item["loc"]), "problem": item["msg"]}
                    for item in error.errors()]  # fmt: skip
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        text = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        return page(request, 422, text)

    @app.exception_handler(ValidationError)
    async def spec_error(request: Request, error: ValidationError) -> Response:
        problems = [{"field": ".".join(str(p) for p in item["loc"]), "problem": item["msg"]}
                    for item in error.errors()]  # fmt: skip
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return page(request, 422, "; ".join(f"{p['field']}: {p['problem']}" for p in problems))

    @app.exception_handler(PhotodoseError)
    async def bad_input(request: Request, error: PhotodoseError) -> Response:
        return page(request, 422, str(error))

    @app.exception_handler(Exception)
    async def bug(request: Request, error: Exception) -> Response:
        # the trace goes to the server log without the request's data; the user sees a
        # generic page (ASVS 5.0 V16.5.1)
        route = getattr(request.scope.get("route"), "path", "?")
        log.error("unhandled %s on %s %s", type(error).__name__, request.method, route,
                  exc_info=error)  # fmt: skip
        return page(request, 500, "Something went wrong on the server. Nothing was saved.")
