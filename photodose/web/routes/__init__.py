"""The app's routes, one module per area; each route declares its Access."""

from __future__ import annotations

from fastapi import FastAPI


def register_routes(app: FastAPI) -> None:
    from photodose.web.routes import admin, login, patients, planner, research, system

    for module in (system, login, admin, patients, planner, research):
        app.include_router(module.router)
