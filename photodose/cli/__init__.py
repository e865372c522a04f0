"""The `photodose` command line. Presentation only: parse, call the library, show.

Each module named in `_COMMAND_MODULES` defines `register(app)` and adds its commands.
"""

from __future__ import annotations

import importlib
import sys

import typer
from pydantic import ValidationError

from photodose.specs import describe_error

_COMMAND_MODULES = ("plan", "sites", "optics", "simulate", "mcml", "serve")

app = typer.Typer(
    name="photodose",
    help="Light dose at the nerve, skin safety and treatment plans for photobiomodulation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Light dose at the nerve, skin safety and treatment plans for photobiomodulation."""


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"photodose.cli.{name}").register(app)


class UserError(Exception):
    """A problem with the user's input: shown as one clear message, exit status 2."""


def main() -> None:
    _register_all()
    try:
        app()
    except ValidationError as error:
        typer.echo(f"error: invalid input\n{describe_error(error)}", err=True)
        sys.exit(2)
    except (UserError, ValueError, FileNotFoundError) as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)
