"""Options shared by the clinic commands: which database, who is writing."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from photodose.clinic.database import make_engine
from photodose.clinic.repository import Clinic
from photodose.errors import BadInputError

ACTOR_ENV = "PHOTODOSE_ACTOR"

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL or SQLite file (default: PHOTODOSE_DB_URL, else "
                 "photodose.db in the per-user data folder)"),
]  # fmt: skip
ActorOption = Annotated[
    str | None,
    typer.Option("--as", help="who is writing, for the audit log (default: PHOTODOSE_ACTOR, "
                 "else the login name)"),
]  # fmt: skip


def open_engine(db: str | None) -> Engine:
    return make_engine(db)


def open_clinic(db: str | None, actor: str | None = None) -> Clinic:
    who = actor or os.environ.get(ACTOR_ENV) or getpass.getuser()
    try:
        return Clinic.open(db, actor=who)
    except OperationalError as error:
        raise BadInputError("--db", "(the database)", "cannot be opened",
                            reason=str(error.orig).splitlines()[0]) from None  # fmt: skip
