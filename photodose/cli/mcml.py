"""`photodose mcml`: run an MCML input file (.mci) and write MCML output files (.mco);
`photodose mcml-read`: summarise an .mco file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from photodose.cli.progress import photon_progress
from photodose.errors import InputFileError
from photodose.io.mcml_format import MM_PER_CM, read_mci, read_mco, write_mco
from photodose.specs import Simulation
from photodose.transport import simulate_with_stats


def register(app: typer.Typer) -> None:
    app.command("mcml")(mcml_command)
    app.command("mcml-read")(mcml_read_command)


def mcml_command(
    mci: Annotated[Path, typer.Argument(help="MCML input file (.mci, MCML 1.x format, cm)")],
    workers: Annotated[int | None, typer.Option(help="threads (default: all cores)")] = None,
    seed: Annotated[int | None, typer.Option(help="seed for every run (default 1)")] = None,
    outdir: Annotated[
        Path | None,
        typer.Option(help="write the .mco files here (default: the .mci's folder)"),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run every run of an MCML input file; write each .mco under the name the .mci gives."""
    if not mci.is_file():
        raise InputFileError(mci, "no such file")
    # Every run is read and checked before the first one starts, as MCML does.
    runs = read_mci(mci)
    folder = outdir if outdir is not None else mci.parent
    console = Console()
    for index, run in enumerate(runs, start=1):
        simulation = run.simulation
        if seed is not None:
            simulation = Simulation.model_validate(simulation.model_dump() | {"seed": seed})
        target = folder / run.output_name
        target.parent.mkdir(parents=True, exist_ok=True)
        label = escape(f"run {index}/{len(runs)} {run.output_name}")
        # MCML reports the process's CPU (user) time on the .mco's time line.
        cpu_started = time.process_time()
        with photon_progress(label, simulation.photons, not quiet) as tick:
            dataset, stats = simulate_with_stats(simulation, workers=workers, progress=tick)
        cpu_s = time.process_time() - cpu_started
        write_mco(dataset, target, run.output_name, run.output_format, user_time_s=cpu_s)
        console.print(
            f"{label}: Rsp {float(dataset.specular_reflectance):.6g}, "
            f"Rd {float(dataset.diffuse_reflectance):.6g}, "
            f"A {float(dataset.absorbed_fraction):.6g}, "
            f"Tt {float(dataset.transmittance):.6g} "
            f"({stats.photons_per_s:,.0f} photons/s) -> {escape(str(target))}",
            soft_wrap=True,
        )


def mcml_read_command(
    mco: Annotated[Path, typer.Argument(help="MCML output file (.mco)")],
) -> None:
    """Print an .mco file's input parameters and its RAT block (totals)."""
    dataset = read_mco(mco)
    simulation = Simulation.from_json(dataset.attrs["simulation"])
    grid = simulation.grid
    console = Console()
    console.print(
        f"{mco.name}: {simulation.photons:,} photons; grid dz {grid.dz_mm / MM_PER_CM:g} cm, "
        f"dr {grid.dr_mm / MM_PER_CM:g} cm, nz {grid.nz}, nr {grid.nr}, na {grid.na}"
    )
    layers = Table(title="layers (MCML units)")
    for column in ("layer", "n", "mua [1/cm]", "mus [1/cm]", "g", "d [cm]"):
        layers.add_column(escape(column), justify="right")
    layers.add_row("above", f"{simulation.stack.n_above:g}", "", "", "", "")
    for number, layer in enumerate(simulation.stack.layers, start=1):
        tissue = layer.tissue
        layers.add_row(
            str(number),
            f"{tissue.n:g}",
            f"{tissue.mua_per_mm * MM_PER_CM:g}",
            f"{tissue.mus_per_mm * MM_PER_CM:g}",
            f"{tissue.g:g}",
            f"{layer.thickness_mm / MM_PER_CM:g}",
        )
    layers.add_row("below", f"{simulation.stack.n_below:g}", "", "", "", "")
    console.print(layers)
    totals = Table(title="RAT (fractions of launched power)")
    totals.add_column("quantity")
    totals.add_column("value", justify="right")
    for name, label in (
        ("specular_reflectance", "specular reflectance"),
        ("diffuse_reflectance", "diffuse reflectance"),
        ("absorbed_fraction", "absorbed fraction"),
        ("transmittance", "transmittance"),
    ):
        totals.add_row(label, f"{float(dataset[name]):.6g}")
    console.print(totals)
