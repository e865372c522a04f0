"""`photodose db`: create or migrate the clinic database, verify it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from photodose.cli.clinic_options import DbOption, open_engine
from photodose.clinic.database import current_revision, head_revision, upgrade
from photodose.clinic.repository import Clinic
from photodose.settings import database_url

db_app = typer.Typer(help="Create, migrate and verify the clinic database.",
                     no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_command(
    db: DbOption = None,
    revision: Annotated[str, typer.Option(help="target revision (default: the newest)")] = "head",
) -> None:
    """Create the database, or bring an older one to the newest schema in place."""
    engine = open_engine(db)
    before = current_revision(engine)
    reached = upgrade(engine, revision)
    typer.echo(f"database {_shown(db)}: schema {before or 'none'} -> {reached}")


@db_app.command("status")
def status_command(db: DbOption = None) -> None:
    """The database URL and its schema revision."""
    engine = open_engine(db)
    typer.echo(json.dumps({"database": _shown(db), "revision": current_revision(engine),
                           "newest": head_revision()}))  # fmt: skip


@db_app.command("verify")
def verify_command(db: DbOption = None) -> None:
    """Check the audit chain, the database's integrity and that no session is half-written.
    Exit status 1 when anything is wrong."""
    report = Clinic.open(db).verify()
    typer.echo(json.dumps(report, indent=2))
    if not report["ok"]:
        raise typer.Exit(1)


def _shown(db: str | None) -> str:
    """The URL without a password."""
    url = database_url(db)
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url
