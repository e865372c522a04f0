"""`photodose score`: score one instrument from a file of raw answers (stores nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from photodose.clinic.scoring import INSTRUMENTS, instrument
from photodose.errors import InputFileError


def register(app: typer.Typer) -> None:
    app.command("score")(score_command)


def score_command(
    name: Annotated[str, typer.Argument(help=f"instrument: {', '.join(INSTRUMENTS)}")],
    answers: Annotated[Path | None, typer.Argument(help="JSON file of answers by item id")] = None,
    template: Annotated[bool, typer.Option("--template", help="print an answers template")] = False,
    version: Annotated[str | None, typer.Option(help="instrument version (see --template)")] = None,
) -> None:
    """Score raw item answers exactly as published; prints JSON, stores nothing."""
    chosen = instrument(name)
    if template:
        typer.echo(json.dumps(chosen.template(version), indent=2))
        return
    if answers is None:
        raise InputFileError("(none)", "give a JSON file of answers, or --template")
    data = read_json(answers)
    if isinstance(data, dict) and "answers" in data:
        version = version or data.get("version")
        data = data["answers"]
    typer.echo(json.dumps(chosen.score(data, version).as_dict(), indent=2))


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except (IsADirectoryError, PermissionError) as error:
        raise InputFileError(path, str(error)) from None
    except json.JSONDecodeError as error:
        raise InputFileError(path, f"not JSON: line {error.lineno}: {error.msg}") from None
