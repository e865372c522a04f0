"""`photodose check`: what a protocol delivers as given (no search): doses, heat, checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from photodose.cli.plan import (
    API_DEFAULTS,
    REPORT_DIR,
    AtrophyOption,
    CallusOption,
    DeviceOption,
    DiabeticOption,
    FatOption,
    GeometryOption,
    InsensateOption,
    NerveDepthOption,
    SamplesOption,
    SessionsOption,
    SiteOption,
    SkinTypeOption,
    SkinTypeUnknownOption,
    WeeksOption,
    WindowOption,
    _one_line,
    _request,
    model_progress,
    print_plan,
    uncertainty_options,
)


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    site: SiteOption,
    device: DeviceOption,
    time_s: Annotated[float, typer.Option("--time-s", help="time per spot, s")],
    power_w: Annotated[
        float | None,
        typer.Option("--power-W", help="average power, W (default: the device's rated power)"),
    ] = None,
    spots: Annotated[int, typer.Option(help="spots per session")] = 1,
    sessions_per_week: SessionsOption = None,
    weeks: WeeksOption = None,
    skin_type: SkinTypeOption = None,
    fat_mm: FatOption = None,
    nerve_depth_mm: NerveDepthOption = None,
    diabetic: DiabeticOption = None,
    insensate: InsensateOption = None,
    atrophy: AtrophyOption = None,
    callus_mm: CallusOption = None,
    window: WindowOption = None,
    samples: SamplesOption = 128,
    skin_type_unknown: SkinTypeUnknownOption = False,
    geometry: GeometryOption = None,
    report: Annotated[
        Path | None,
        typer.Option(help="HTML report path (default out/check-<site>-<device>.html)"),
    ] = None,
    json: Annotated[Path | None, typer.Option(help="also save the result as JSON here")] = None,
) -> None:
    """Check a protocol as given ("30 min per pad"): surface and nerve dose, heating,
    every safety check and the limit it comes closest to, with no search."""
    from photodose.cli.gc_pause import collector_paused

    with collector_paused():  # the library loads faster without collections
        from rich.console import Console
        from rich.markup import escape

        from photodose.cli.dask_check import defer_dask_array_import
        from photodose.errors import BadInputError
        from photodose.planning.check import MAX_CHECK_TIME_S, check_request
        from photodose.report import write_plan_report

    defer_dask_array_import()  # a plan makes no dask array: start-up without it
    if not 0.0 < time_s <= MAX_CHECK_TIME_S:
        raise BadInputError("--time-s", time_s, f"allowed 0 < time <= {MAX_CHECK_TIME_S:g} s")
    given = {"skin_type": skin_type, "fat_mm": fat_mm, "diabetic": diabetic,
             "insensate": insensate, "atrophy": atrophy, "callus_mm": callus_mm,
             "nerve_depth_mm": nerve_depth_mm, "sessions_per_week": sessions_per_week,
             "weeks": weeks, "geometry": geometry}  # fmt: skip
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
    with model_progress(request) as tick:
        result = _one_line(lambda: check_request(request, power_W=power, time_s=time_s,
                                                 spots=spots, progress=tick))  # fmt: skip
    console = Console()
    print_plan(console, result, None)
    path = report or REPORT_DIR / f"check-{request.site.name}-{request.device.name}.html"
    written = write_plan_report(result, path)
    console.print(f"report written to {escape(str(written))}")
    if json is not None:
        json.parent.mkdir(parents=True, exist_ok=True)
        json.write_text(result.to_json(), encoding="utf-8")
        console.print(f"result saved to {escape(str(json))}")
