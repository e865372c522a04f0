"""`photodose sweep`: run a sweep or a population spec on Dask into a zarr store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

if TYPE_CHECKING:
    from photodose.sweep import SweepProgress, SweepRun

# a grid sweep's cells are listed when there are at most this many
MAX_CELLS_SHOWN = 64


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)


def sweep_command(
    spec: Annotated[Path, typer.Argument(help="sweep spec, .toml or .json ([sweep] table)")],
    out: Annotated[Path, typer.Option(help="zarr store to write (rerun to resume)")],
    workers: Annotated[
        int | None,
        typer.Option(help="local cluster worker processes (default: all cores; 0: no cluster)"),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (default: $PHOTODOSE_DASK_SCHEDULER)"),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run many cells (sites x devices x skin types ...) or a patient population."""
    # imported here: `photodose --help` stays fast
    from photodose.sweep import load_sweep, sweep

    sweep_spec = load_sweep(spec)
    console = Console(stderr=True)
    unit = "patients" if sweep_spec.population is not None else "cells"
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet) as bar:
        task = bar.add_task(f"sweep {spec.name}", total=None, rate="")

        def started(description: str, link: str | None) -> None:
            console.print(f"running on {description}")
            if link:
                console.print(f"Dask dashboard: {link}")

        def tick(state: SweepProgress) -> None:
            rate = f"{state.photons_per_s:,.0f} photons/s" if state.photons_done else ""
            bar.update(task, total=state.cells_total, completed=state.cells_done, rate=rate)

        try:
            run = sweep(sweep_spec, out, workers=workers, scheduler=scheduler, progress=tick,
                        on_start=started)  # fmt: skip
        except KeyboardInterrupt:
            console.print(f"interrupted: the finished {unit} are saved in {out}; run the same "
                          "command again to compute the rest")  # fmt: skip
            raise typer.Exit(130) from None
    _show(run, unit)


def _show(run: SweepRun, unit: str) -> None:
    console = Console()
    console.print(
        f"{run.cells_computed} {unit} computed, {run.cells_skipped} already done, "
        f"{run.cells_total} in all; {run.elapsed_s:.1f} s on {run.scheduler}"
    )
    if run.summary is not None:
        table = Table(title=f"population: {run.summary['patients']} patients")
        table.add_column("quantity")
        table.add_column("median", justify="right")
        table.add_column("5-95 %", justify="right")
        s = run.summary
        table.add_row("nerve fluence, J/cm^2", f"{s['nerve_fluence_median_J_per_cm2']:.3g}",
                      f"{s['nerve_fluence_p05_J_per_cm2']:.3g} - "
                      f"{s['nerve_fluence_p95_J_per_cm2']:.3g}")  # fmt: skip
        table.add_row("peak skin temperature, C", f"{s['peak_skin_temperature_median_C']:.1f}",
                      f"{s['peak_skin_temperature_p05_C']:.1f} - "
                      f"{s['peak_skin_temperature_p95_C']:.1f}")  # fmt: skip
        console.print(table)
        console.print(
            f"inside the dose band: {100 * s['share_in_dose_band']:.1f} %; above the "
            f"temperature limit: {100 * s['share_above_temperature_limit']:.1f} %"
        )
    elif run.cells_total <= MAX_CELLS_SHOWN:
        _show_cells(run, console)
    console.print(f"written to {run.path}")


def _show_cells(run: SweepRun, console: Console) -> None:
    import numpy as np

    ds = run.dataset
    name = "nerve_fluence_rate_mW_per_cm2_per_W"
    table = Table(title=f"nerve fluence rate per watt delivered ({ds[name].attrs['units']})")
    dims = [str(dim) for dim in ds[name].dims]
    for dim in dims:
        table.add_column(dim)
    table.add_column("value", justify="right")
    table.add_column("standard error", justify="right")
    values = ds[name].values
    errors = ds[name.replace("_rate_", "_rate_se_")].values
    for index in np.ndindex(values.shape):
        labels = [str(ds[dim].values[i]) for dim, i in zip(dims, index, strict=True)]
        se = errors[index]
        table.add_row(*labels, f"{values[index]:.4g}", "-" if np.isnan(se) else f"{se:.2g}")
    console.print(table)
