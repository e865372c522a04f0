"""`photodose report`: render a saved plan (JSON) as the HTML report, and optionally PDF,
without planning again: a plan carries every number its report shows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def report_command(
    plan_file: Annotated[
        Path, typer.Argument(metavar="PLAN.json", help="a plan saved by `photodose plan --json`")
    ],
    out: Annotated[
        Path | None, typer.Option(help="HTML report path (default: PLAN.html beside the plan)")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option(help="also print the report to this PDF (needs Chromium)")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="do not print the plan's summary")] = False,
) -> None:
    """Render a saved plan as its HTML (and PDF) report, without re-planning."""
    from pydantic import ValidationError
    from rich.console import Console
    from rich.markup import escape

    from photodose.cli import fail
    from photodose.cli.plan import print_plan
    from photodose.errors import InputFileError
    from photodose.planning import Plan
    from photodose.report import write_plan_pdf, write_plan_report
    from photodose.specs import describe_error

    if not plan_file.is_file():
        raise InputFileError(plan_file, "no such plan file")
    if plan_file.suffix.lower() != ".json":
        raise InputFileError(plan_file, "a saved plan is a .json file (photodose plan --json)")
    try:
        plan = Plan.load(plan_file)
    except ValidationError as error:
        problems = describe_error(error, one_line=True)
        raise InputFileError(plan_file, f"not a valid plan: {problems}") from None
    console = Console()
    if not quiet:
        print_plan(console, plan, None)
    written = write_plan_report(plan, out or plan_file.with_suffix(".html"))
    console.print(f"report written to {escape(str(written))}")
    if pdf is not None:
        try:
            printed = write_plan_pdf(plan, pdf)
        except (FileNotFoundError, RuntimeError) as error:
            fail(str(error))
        console.print(f"PDF written to {escape(str(printed))}")
