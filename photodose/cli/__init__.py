"""The `photodose` command line. Presentation only: parse, call the library, show.

Each module named in `_COMMAND_MODULES` defines `register(app)` and adds its commands;
heavy libraries (numba, scipy, xarray) are imported inside the command bodies, so that
`photodose --help` starts fast.

Errors: bad input (`photodose.errors.PhotodoseError`, pydantic's ValidationError) is shown
as one line, `error: ...`, with exit status 2. Any other exception is a bug and surfaces
with its traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from typing import NoReturn

# One BLAS thread (unless the user sets otherwise): the commands' linear algebra is small
# (dot products, sparse solves), where OpenBLAS's thread hand-off costs more than it
# gains (a 12,000-element `a @ b`: 4 us on one thread, 120 us on two on a busy 2-core
# machine); the plan parallelises by forking instead. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer
from pydantic import ValidationError

from photodose._version import __version__
from photodose.errors import PhotodoseError

# each top-level command (or group) and the module that registers it: a command line
# that names one loads and builds only that module's commands (typer reads the type
# hints of every command it is given: 0.2 s for all of them)
_COMMANDS = {
    "plan": "plan", "check": "check", "protocols": "protocols", "report": "report",
    "sites": "sites", "devices": "sites", "optics": "optics", "simulate": "simulate",
    "plot": "plot", "schema": "schema", "mcml": "mcml", "mcml-read": "mcml",
    "clinic": "clinic", "course": "clinic", "outcomes": "clinic", "score": "score",
    "db": "db", "voxel": "voxel", "sweep": "sweep", "serve": "serve",
}  # fmt: skip
_COMMAND_MODULES = tuple(dict.fromkeys(_COMMANDS.values()))
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="photodose",
    help="Light dose at the nerve, skin safety and treatment plans for photobiomodulation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"photodose {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="print the version"
    ),
) -> None:
    """Light dose at the nerve, skin safety and treatment plans for photobiomodulation."""


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"photodose.cli.{name}").register(app)


def _register_for(arguments: list[str]) -> None:
    """Register the module of the command named first, or every command (for the root's
    help, an unknown name, or no command)."""
    if arguments[:1] == ["--version"]:
        return  # answered by the root's eager option before any command is looked up
    module = _COMMANDS.get(arguments[0]) if arguments else None
    if module is None:
        _register_all()
    else:
        importlib.import_module(f"photodose.cli.{module}").register(app)


def error_line(error: BaseException) -> str:
    """The one line the command line prints for bad input."""
    if isinstance(error, ValidationError):
        from photodose.specs.base import describe_error

        return describe_error(error, one_line=True)
    return " ".join(str(error).split())


def fail(message: str) -> NoReturn:
    """Stop a command with one line of explanation and exit status 2 (not a bug: e.g. a
    program the command needs is missing)."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _show_warning(message: Warning | str, *_: object, **__: object) -> None:
    # a warning is for the user, not a traceback: one line, without file and line number
    typer.echo(f"warning: {' '.join(str(message).split())}", err=True)


def main() -> None:
    from photodose.cli.gc_pause import collector_paused

    with collector_paused():
        _register_for(sys.argv[1:])
    warnings.showwarning = _show_warning
    try:
        app()
    except (PhotodoseError, ValidationError) as error:
        typer.echo(f"error: {error_line(error)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
