"""`photodose plot RESULT.nc`: draw a saved transport result (fluence map, axis profile, Rd)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("plot")(plot_command)


def plot_command(
    result: Annotated[Path, typer.Argument(help="a result written by photodose simulate (.nc)")],
    out: Annotated[
        Path | None, typer.Option(help="figure file, .png or .svg (default: RESULT.png)")
    ] = None,
    wavelength: Annotated[
        float | None, typer.Option(help="nm; for a result with several wavelengths")
    ] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing figure")] = False,
) -> None:
    """Draw the fluence map (r, z) on a log scale with the layer boundaries, the depth
    profile on the axis with its standard error, and Rd(r)."""
    from photodose.errors import InputFileError
    from photodose.io.output_path import check_output_path
    from photodose.report.result_plot import PLOT_SUFFIXES

    if not result.is_file():
        raise InputFileError(result, "no such file")
    target = out if out is not None else result.with_suffix(".png")
    target = check_output_path(target, PLOT_SUFFIXES, force=force, inputs=[result])

    from photodose.io.result_file import load_result
    from photodose.report.result_plot import plot_result

    plot_result(load_result(result), target, wavelength_nm=wavelength)
    typer.echo(f"figure written to {target}")
