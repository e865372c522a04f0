"""`photodose plan`: plan a treatment, print it, write the HTML report (and the plan JSON)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from photodose.cli import fail
from photodose.devices.library import load_device
from photodose.dose.window import DoseWindow
from photodose.errors import BadInputError, InvalidSpecError
from photodose.planning import Plan, PlanRequest, Verification, plan_request, verify_plan
from photodose.report import write_plan_pdf, write_plan_report
from photodose.report.series import temperature_curves
from photodose.report.tables import (
    Row,
    nerve_dose_rows,
    number,
    protocol_rows,
    skin_dose_rows,
    temperature_rows,
    verification_rows,
)
from photodose.report.wording import binding_in_words, headline, verification_summary
from photodose.safety.contraindications import ScreeningInput
from photodose.specs import describe_error
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient

REPORT_DIR = Path("out")
T = TypeVar("T")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)


def plan_command(
    site: Annotated[str, typer.Option(help="site name (photodose sites) or a .toml/.json file")],
    device: Annotated[
        str, typer.Option(help="device name (photodose devices) or a .toml/.json file")
    ],
    skin_type: Annotated[int, typer.Option(help="Fitzpatrick skin type 1-6")] = 2,
    fat_mm: Annotated[
        float | None, typer.Option(help="measured subcutaneous fat at the site, mm")
    ] = None,
    diabetic: Annotated[
        bool, typer.Option("--diabetic/--not-diabetic", help="halves perfusion in the heat model")
    ] = False,
    insensate: Annotated[
        bool,
        typer.Option(
            "--insensate/--sensate",
            help="insensate skin: 41 C limit instead of 43 C (default: insensate, the "
            "cautious choice for neuropathy)",
        ),
    ] = True,
    atrophy: Annotated[
        bool, typer.Option("--atrophy", help="neuropathic thinning of the forefoot pad")
    ] = False,
    callus_mm: Annotated[float, typer.Option(help="plantar callus thickness, mm")] = 0.0,
    window: Annotated[
        str | None,
        typer.Option(help="target fluence window at the nerve, LOWER:UPPER J/cm^2 (default 1:10)"),
    ] = None,
    aim: Annotated[
        float | None,
        typer.Option(help="fluence to aim for at the nerve, J/cm^2 (default: geometric mean)"),
    ] = None,
    max_time_per_spot: Annotated[
        float | None, typer.Option(help="longest time per spot, s (default 1200)")
    ] = None,
    length_mm: Annotated[
        float | None, typer.Option(help="length of nerve to cover, mm (default 30)")
    ] = None,
    sessions_per_week: Annotated[int | None, typer.Option(help="default 3")] = None,
    weeks: Annotated[int | None, typer.Option(help="default 4")] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="re-check the nerve dose by Monte Carlo")
    ] = False,
    photons: Annotated[int, typer.Option(help="photons for --verify")] = 200_000,
    seed: Annotated[int, typer.Option(help="seed for --verify")] = 1,
    report: Annotated[
        Path | None,
        typer.Option(help="HTML report path (default out/plan-<site>-<device>.html)"),
    ] = None,
    json: Annotated[Path | None, typer.Option(help="also save the plan as JSON here")] = None,
    pdf: Annotated[
        Path | None, typer.Option(help="also print the report to this PDF (needs Chromium)")
    ] = None,
) -> None:
    """Plan a treatment: power and time per spot, spots, sessions; doses, heating, checks."""
    request = _request(
        site=site,
        device=device,
        patient={
            "skin_type": skin_type,
            "subcutaneous_fat_mm": fat_mm,
            "diabetic": diabetic,
            "insensate_feet": insensate,
            "plantar_atrophy": atrophy,
            "callus_mm": callus_mm,
        },
        insensate=insensate,
        window=window,
        options={
            "aim_J_per_cm2": aim,
            "max_time_per_spot_s": max_time_per_spot,
            "treatment_length_mm": length_mm,
            "sessions_per_week": sessions_per_week,
            "weeks": weeks,
        },
    )
    if verify and photons < 1:
        raise BadInputError("--photons", photons, "must be at least 1")
    console = Console()
    result = _one_line(lambda: plan_request(request))
    check = None
    if verify:
        with Console(stderr=True).status(
            f"Monte Carlo check of the nerve dose: {photons:,} photons (seconds to minutes)"
        ):
            check = verify_plan(result, photons=photons, seed=seed)
    _print_plan(console, result, check)
    path = report or REPORT_DIR / f"plan-{request.site.name}-{request.device.name}.html"
    written = write_plan_report(result, path, verification=check)
    console.print(f"report written to {escape(str(written))}")
    if json is not None:
        json.parent.mkdir(parents=True, exist_ok=True)
        json.write_text(result.to_json(), encoding="utf-8")
        console.print(f"plan saved to {escape(str(json))}")
    if pdf is not None:
        try:
            printed = write_plan_pdf(result, pdf, verification=check)
        except (FileNotFoundError, RuntimeError) as error:
            fail(str(error))
        console.print(f"PDF written to {escape(str(printed))}")


def _request(
    *,
    site: str,
    device: str,
    patient: dict[str, Any],
    insensate: bool,
    window: str | None,
    options: dict[str, Any],
) -> PlanRequest:
    """Build the planning request; every input error becomes one line naming the field."""
    fields: dict[str, Any] = {
        "site": _one_line(lambda: load_site(site)),
        "device": _one_line(lambda: load_device(device)),
        "patient": _one_line(lambda: Patient(**patient), "patient"),
        # an insensate patient's screening says so: the report then lists the finding
        "screening": ScreeningInput(insensate_skin=insensate),
    }
    if window is not None:
        fields["window"] = _parse_window(window)
    fields |= {key: value for key, value in options.items() if value is not None}
    return _one_line(lambda: PlanRequest(**fields))


def _parse_window(text: str) -> DoseWindow:
    parts = text.split(":")
    try:
        lower, upper = (float(part) for part in parts)
    except ValueError:
        raise BadInputError(
            "window", repr(text), "expected LOWER:UPPER in J/cm^2, e.g. 1:10"
        ) from None
    return _one_line(
        lambda: DoseWindow(lower_J_per_cm2=lower, upper_J_per_cm2=upper), f"window = {text!r}"
    )


def _one_line(build: Callable[[], T], where: str = "") -> T:
    """Call `build`; a validation error becomes an InvalidSpecError of one line saying
    where it happened, which `photodose.cli.main` prints as `error: ...` (exit status 2)."""
    try:
        return build()
    except ValidationError as error:
        raise InvalidSpecError(describe_error(error, where, one_line=True)) from None


def _print_plan(console: Console, plan: Plan, check: Verification | None) -> None:
    request = plan.request
    patient = request.patient
    console.print(
        f"[bold]{escape(request.site.title)}[/bold] with [bold]{escape(request.device.title)}"
        "[/bold]"
    )
    console.print(
        f"patient: skin type {patient.skin_type}, "
        f"{'diabetic' if patient.diabetic else 'not diabetic'}, "
        f"{'insensate' if request.insensate else 'sensate'} skin"
        + (f", fat {number(patient.subcutaneous_fat_mm)} mm" if patient.subcutaneous_fat_mm else "")
        + (", plantar atrophy" if patient.plantar_atrophy else "")
        + (f", callus {number(patient.callus_mm)} mm" if patient.callus_mm else "")
    )
    style = "bold green" if plan.feasible else "bold red"
    console.print(f"[{style}]{escape(headline(plan))}[/{style}]")
    console.print(f"binding constraint: [bold]{escape(plan.binding)}[/bold]")
    gloss = binding_in_words(plan)
    if gloss:
        console.print(escape(gloss))
    console.print(f"why: {escape(plan.explanation)}")
    console.print(_table("Protocol", protocol_rows(plan)))
    console.print(_table("Dose at the skin", skin_dose_rows(plan)))
    console.print(_table("Dose at the nerve", nerve_dose_rows(plan)))
    console.print(_table("Temperature", temperature_rows(plan, temperature_curves(plan))))
    failed = [c for c in plan.checks if not c.passed]
    if failed:
        table = Table(title="Checks that fail or warn")
        for column in ("check", "severity", "value", "limit", "unit", "note"):
            table.add_column(column)
        for c in failed:
            fact = c.unit == "fact"
            table.add_row(
                escape(c.name),
                c.severity,
                "present" if fact else number(c.value),
                "" if fact else number(c.limit),
                "" if fact else escape(c.unit),
                escape(c.note),
            )
        console.print(table)
    else:
        console.print(f"all {len(plan.checks)} safety checks passed")
    if check is not None:
        console.print(_table("Monte Carlo check", verification_rows(check)))
        console.print(escape(verification_summary(check)))


def _table(title: str, rows: list[Row]) -> Table:
    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("note")
    for row in rows:
        table.add_row(escape(row.label), escape(row.value), escape(row.unit), escape(row.note))
    return table
