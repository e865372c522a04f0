"""`photodose check`: what a protocol delivers as given (no search): doses, heat, checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from photodose.cli.plan import (
    API_DEFAULTS,
    REPORT_DIR,
    _one_line,
    _request,
    print_plan,
    uncertainty_options,
)


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    site: Annotated[str, typer.Option(help="site name (photodose sites) or a .toml/.json file")],
    device: Annotated[
        str, typer.Option(help="device name (photodose devices) or a .toml/.json file")
    ],
    time_s: Annotated[float, typer.Option("--time-s", help="time per spot, s")],
    power_w: Annotated[
        float | None,
        typer.Option("--power-W", help="average power, W (default: the device's rated power)"),
    ] = None,
    spots: Annotated[int, typer.Option(help="spots per session")] = 1,
    sessions_per_week: Annotated[
        int | None, typer.Option(help="sessions per week (default 3)")
    ] = None,
    weeks: Annotated[int | None, typer.Option(help="weeks of treatment (default 4)")] = None,
    skin_type: Annotated[
        int | None,
        typer.Option(help="Fitzpatrick skin type 1-6 (not given: 2, marked as defaulted)"),
    ] = None,
    fat_mm: Annotated[
        float | None, typer.Option(help="measured subcutaneous fat at the site, mm")
    ] = None,
    nerve_depth_mm: Annotated[
        float | None,
        typer.Option(help="measured depth skin -> nerve centre (ultrasound), mm "
                     "(default: the site's)"),
    ] = None,
    diabetic: Annotated[
        bool | None, typer.Option("--diabetic/--not-diabetic",
                                  help="halves perfusion in the heat model (default: not)"),
    ] = None,
    insensate: Annotated[
        bool | None,
        typer.Option("--insensate/--sensate", help="insensate skin: 41 C limit (default)"),
    ] = None,
    atrophy: Annotated[
        bool | None, typer.Option("--atrophy", help="neuropathic thinning of the forefoot pad")
    ] = None,
    callus_mm: Annotated[
        float | None, typer.Option(help="plantar callus thickness, mm (plantar sites only)")
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(help="reporting band at the nerve, LOWER:UPPER J/cm^2 (an assumption)"),
    ] = None,
    samples: Annotated[
        int, typer.Option(help="samples for the nerve dose's 90 % interval (0: none)")
    ] = 128,
    skin_type_unknown: Annotated[
        bool, typer.Option("--skin-type-unknown", help="sample the skin type over I-VI")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="HTML report path (default out/check-<site>-<device>.html)"),
    ] = None,
    json: Annotated[Path | None, typer.Option(help="also save the result as JSON here")] = None,
) -> None:
    """Check a protocol as given ("30 min per pad"): surface and nerve dose, heating,
    every safety check and the limit it comes closest to, with no search."""
    from rich.console import Console
    from rich.markup import escape

    from photodose.errors import BadInputError
    from photodose.planning.check import MAX_CHECK_TIME_S, check_request
    from photodose.report import write_plan_report

    if not 0.0 < time_s <= MAX_CHECK_TIME_S:
        raise BadInputError("--time-s", time_s, f"allowed 0 < time <= {MAX_CHECK_TIME_S:g} s")
    given = {"skin_type": skin_type, "fat_mm": fat_mm, "diabetic": diabetic,
             "insensate": insensate, "atrophy": atrophy, "callus_mm": callus_mm,
             "nerve_depth_mm": nerve_depth_mm, "sessions_per_week": sessions_per_week,
             "weeks": weeks}  # fmt: skip
    # only what the user gave is passed: the rest are the Python API's defaults
    patient = {API_DEFAULTS[name][1]: value for name, value in given.items()
               if value is not None and API_DEFAULTS[name][0] == "Patient"}  # fmt: skip
    options = {API_DEFAULTS[name][1]: value for name, value in given.items()
               if value is not None and API_DEFAULTS[name][0] == "PlanRequest"}  # fmt: skip
    request = _request(
        site=site,
        device=device,
        patient=patient,
        screening=None,
        window=window,
        thermal=None,
        options=options | {
            "max_time_per_spot_s": max(time_s, 1200.0),
            "max_session_s": max(time_s * spots, 3600.0),
            **uncertainty_options(samples, None, skin_type_unknown),
        },
    )
    rated = request.device.average_power_W
    power = rated if power_w is None else power_w
    if not 0.0 < power <= rated * (1.0 + 1e-9):
        raise BadInputError("--power-W", power, f"allowed 0 < power <= the rated {rated:g} W")
    if not 1 <= spots <= 1000:
        raise BadInputError("--spots", spots, "allowed 1 to 1000")
    result = _one_line(lambda: check_request(request, power_W=power, time_s=time_s, spots=spots))
    console = Console()
    print_plan(console, result, None)
    path = report or REPORT_DIR / f"check-{request.site.name}-{request.device.name}.html"
    written = write_plan_report(result, path)
    console.print(f"report written to {escape(str(written))}")
    if json is not None:
        json.parent.mkdir(parents=True, exist_ok=True)
        json.write_text(result.to_json(), encoding="utf-8")
        console.print(f"result saved to {escape(str(json))}")
