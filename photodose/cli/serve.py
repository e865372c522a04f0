"""`photodose serve`: the web app for clinics on this machine."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

ADMIN_EMAIL_ENV = "PHOTODOSE_ADMIN_EMAIL"
ADMIN_PASSWORD_ENV = "PHOTODOSE_ADMIN_PASSWORD"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    host: Annotated[str, typer.Option(help="address to listen on (loopback by default)")] =
    "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="database URL or SQLite file "
                                           "(default: PHOTODOSE_DB_URL or the per-user file)")]
    = None,
    insecure_cookies: Annotated[bool, typer.Option(
        help="send cookies without Secure, for a plain-HTTP client that drops them "
        "(browsers keep Secure cookies on localhost; never use it on a network)")] = False,
) -> None:
    """Serve the web app: plan, check, record sessions and assessments, follow patients.

    Creates or upgrades the database first. With no account yet, the first admin comes
    from PHOTODOSE_ADMIN_EMAIL and PHOTODOSE_ADMIN_PASSWORD, or is asked for on the
    terminal; its authenticator enrolment link is printed once."""
    import uvicorn

    from photodose.clinic.database import make_engine, upgrade
    from photodose.web.app import create_app
    from photodose.web.first_admin import ensure_first_admin, has_admin

    engine = make_engine(db)
    upgrade(engine)
    enrolment = ensure_first_admin(engine, email=os.environ.get(ADMIN_EMAIL_ENV),
                                   password=os.environ.get(ADMIN_PASSWORD_ENV),
                                   ask=sys.stdin.isatty())  # fmt: skip
    if enrolment is not None:
        typer.echo(f"first admin created: {enrolment[0]}")
        typer.echo("add this to an authenticator app now (shown once):")
        typer.echo(f"  {enrolment[1]}")
    elif not has_admin(engine):
        typer.echo("no admin account yet: set PHOTODOSE_ADMIN_EMAIL and "
                   "PHOTODOSE_ADMIN_PASSWORD and start again", err=True)  # fmt: skip
    app = create_app(db, secure_cookies=not insecure_cookies)
    _freeze_startup_heap()
    typer.echo(f"photodose web app on http://{host}:{port}/ (Ctrl-C stops it)")
    # access logs off: a URL never holds patient data, but the log is not needed either
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


def _freeze_startup_heap() -> None:
    """Keep what start-up made (modules, the planner, the app) out of the garbage
    collector's full passes: over that heap one pass took 130 ms, stalling every request
    in flight (docs/web.md, under load). The planner is imported now, not by the first
    plan or session, so that its objects are frozen too."""
    import gc

    import photodose.planning  # noqa: F401

    gc.collect()
    gc.freeze()
