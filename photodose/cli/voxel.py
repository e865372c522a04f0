"""`photodose voxel`: run a 3-D voxel Monte Carlo from a photodose spec or an MCX JSON input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("voxel")(voxel_command)


def voxel_command(
    spec: Annotated[Path, typer.Argument(help="VoxelSimulation spec (.toml/.json) or MCX JSON")],
    out: Annotated[
        Path | None,
        typer.Option(help="write the result: .nc (everything), .jnii, .nii or .nii.gz (fluence)"),
    ] = None,
    photons: Annotated[int | None, typer.Option(help="override the photon count")] = None,
    seed: Annotated[int | None, typer.Option(help="override the seed")] = None,
    workers: Annotated[int | None, typer.Option(help="threads (default: all cores)")] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run photon transport in a labelled voxel volume; print where the light went and
    the fluence in each medium; save the result."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from photodose.cli.progress import photon_progress
    from photodose.dose.structure import structure_dose
    from photodose.io.voxel_output import load_voxel_spec, write_voxel_output
    from photodose.transport.voxel import FACES, simulate_voxel_with_stats

    simulation, kind = load_voxel_spec(spec)
    update = {k: v for k, v in {"photons": photons, "seed": seed}.items() if v is not None}
    if update:
        simulation = simulation.updated(update)
    with photon_progress(escape(f"voxel {spec.name}"), simulation.photons, not quiet) as tick:
        dataset, stats = simulate_voxel_with_stats(simulation, workers=workers, progress=tick)
    console = Console()
    fates = Table(title=escape(f"{spec.name} ({kind}): {simulation.photons:,} photons, "
                               f"seed {simulation.seed}"))  # fmt: skip
    fates.add_column("where the light went")
    fates.add_column("fraction of source power", justify="right")
    fates.add_column("standard error", justify="right")
    for name, label in (("specular_reflectance", "reflected at entry"),
                        ("absorbed_fraction", "absorbed"),
                        ("escaped_into_void", "into label-0 voxels"),
                        ("time_cut_fraction", "left at the last time gate"),
                        ("missed_fraction", "missed the volume")):  # fmt: skip
        fates.add_row(label, f"{float(dataset[name]):.6f}", f"{float(dataset[name + '_se']):.6f}")
    for index, face in enumerate(FACES):
        fates.add_row(f"out through {face}", f"{float(dataset.exit_by_face[index]):.6f}",
                      f"{float(dataset.exit_by_face_se[index]):.6f}")  # fmt: skip
    console.print(fates)
    media = Table(title="fluence rate by medium (W/mm^2 per W of source power)")
    for column in ("medium", "voxels", "mean", "+- se", "minimum", "5th percentile"):
        media.add_column(column, justify="right" if column != "medium" else "left")
    for index, name in enumerate(json.loads(dataset.attrs["media_names"])):
        if int(dataset.voxels_by_medium[index]) == 0:
            continue
        dose = structure_dose(dataset, name)
        media.add_row(escape(name), f"{dose.voxels:,}", f"{dose.mean_per_mm2:.4g}",
                      f"{dose.mean_se_per_mm2:.2g}", f"{dose.minimum_per_mm2:.4g}",
                      f"{dose.p5_per_mm2:.4g}")  # fmt: skip
    console.print(media)
    console.print(
        f"{stats.photons_per_s:,.0f} photons/s, {stats.scatterings_per_s:,.0f} scatterings/s "
        f"on {stats.workers} thread(s)"
    )
    if out is not None:
        what = write_voxel_output(dataset, out)
        console.print(escape(f"{what} written to {out}"))
