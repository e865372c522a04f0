"""`photodose simulate`: run a layered-tissue Monte Carlo from a JSON/TOML spec file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from photodose.cli.progress import photon_progress
from photodose.errors import InputFileError
from photodose.io.result_file import save_result
from photodose.specs import Simulation
from photodose.transport import simulate_with_stats


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)


def simulate_command(
    spec: Annotated[Path, typer.Argument(help="Simulation spec, .toml or .json")],
    out: Annotated[Path | None, typer.Option(help="write the result here (.nc)")] = None,
    photons: Annotated[int | None, typer.Option(help="override the photon count")] = None,
    seed: Annotated[int | None, typer.Option(help="override the seed")] = None,
    workers: Annotated[int | None, typer.Option(help="threads (default: all cores)")] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run photon transport in a layered stack; print totals, save the labelled result."""
    if not spec.is_file():
        raise InputFileError(spec, "no such file")
    simulation = Simulation.load(spec)
    update = {k: v for k, v in {"photons": photons, "seed": seed}.items() if v is not None}
    if update:
        simulation = Simulation.model_validate(simulation.model_dump() | update)
    with photon_progress(f"transport {spec.name}", simulation.photons, not quiet) as tick:
        dataset, stats = simulate_with_stats(simulation, workers=workers, progress=tick)
    table = Table(title=f"{spec.name}: {simulation.photons:,} photons, seed {simulation.seed}")
    table.add_column("quantity")
    table.add_column("value (per W delivered)", justify="right")
    table.add_column("standard error", justify="right")
    table.add_row("specular reflectance", f"{float(dataset.specular_reflectance):.6f}", "exact")
    for name, label in (
        ("diffuse_reflectance", "diffuse reflectance"),
        ("absorbed_fraction", "absorbed fraction"),
        ("transmittance", "transmittance"),
    ):
        table.add_row(label, f"{float(dataset[name]):.6f}", f"{float(dataset[name + '_se']):.6f}")
    console = Console()
    console.print(table)
    console.print(
        f"{stats.photons_per_s:,.0f} photons/s, {stats.scatterings_per_s:,.0f} scatterings/s "
        f"on {stats.workers} thread(s)"
    )
    if out is not None:
        save_result(dataset, out)
        console.print(f"result written to {out}")
