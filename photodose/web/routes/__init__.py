"""The app's routes, one module per area; each route declares its Access."""

from __future__ import annotations

from fastapi import FastAPI


def register_routes(app: FastAPI) -> None:
    from photodose.web.routes import admin, login, patients, planner, research, system

    for module in (system, login, admin, patients, planner, research):
        # added one by one (the routers carry full paths and no prefix), so that
        # app.routes lists every route on any FastAPI version, for the access check
        app.router.routes.extend(module.router.routes)
