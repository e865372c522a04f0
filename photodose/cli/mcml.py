"""`photodose mcml`: run an MCML input file (.mci) and write MCML output files (.mco);
`photodose mcml-read`: summarise an .mco file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("mcml")(mcml_command)
    app.command("mcml-read")(mcml_read_command)


def mcml_command(
    mci: Annotated[Path, typer.Argument(help="MCML input file (.mci, MCML 1.x format, cm)")],
    workers: Annotated[
        int | None, typer.Option(help="threads (default: all cores; capped at the core count)")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="seed for every run (default 1)")] = None,
    outdir: Annotated[
        Path | None,
        typer.Option(help="write the .mco files here (default: the .mci's folder)"),
    ] = None,
    force: Annotated[bool, typer.Option(help="overwrite .mco files that exist")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run every run of an MCML input file; write each .mco under the name the .mci gives.

    Output names are confined to the output folder (no absolute names, no '..'), an
    existing file is kept unless --force, and the .mci itself is never overwritten."""
    from rich.console import Console
    from rich.markup import escape

    from photodose.cli.progress import photon_progress
    from photodose.errors import BadInputError
    from photodose.io.mcml_format import read_mci, write_mco
    from photodose.io.output_path import atomic_write, check_output_dir, confined_output
    from photodose.specs import Simulation
    from photodose.specs.simulation import check_seed
    from photodose.transport import capped_note, resolve_workers, simulate_with_stats

    # Every run and every output path is checked before the first run starts.
    runs = read_mci(mci)
    threads = resolve_workers(workers, what="--workers")
    if seed is not None:
        check_seed(seed, what="--seed")
    folder = check_output_dir(outdir if outdir is not None else mci.parent, may_create=True)
    targets: list[Path] = []
    for index, run in enumerate(runs, start=1):
        target = confined_output(
            folder,
            run.output_name,
            force=force,
            what=f"{mci}: run {index} output name",
            inputs=[mci],
            make_folders=True,
        )
        if target.resolve() in {t.resolve() for t in targets}:
            raise BadInputError(
                f"{mci}: run {index} output name",
                run.output_name,
                "names a file another run writes",
            )
        targets.append(target)
    console = Console()
    if workers is not None and threads < workers:
        console.print(f"--workers {workers}: using {threads}, the number of cores")
    for index, (run, target) in enumerate(zip(runs, targets, strict=True), start=1):
        simulation = run.simulation
        if seed is not None:
            simulation = Simulation.model_validate(simulation.model_dump() | {"seed": seed})
        label = escape(f"run {index}/{len(runs)} {run.output_name}")
        # MCML reports the process's CPU (user) time on the .mco's time line.
        cpu_started = time.process_time()
        with photon_progress(label, simulation.photons, not quiet) as tick:
            dataset, stats = simulate_with_stats(simulation, workers=threads, progress=tick)
        cpu_s = time.process_time() - cpu_started
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target) as temporary:
            write_mco(dataset, temporary, run.output_name, run.output_format, user_time_s=cpu_s)
        capped = int(dataset.attrs.get("capped_photons", 0))
        console.print(
            f"{label}: Rsp {float(dataset.specular_reflectance):.6g}, "
            f"Rd {float(dataset.diffuse_reflectance):.6g}, "
            f"A {float(dataset.absorbed_fraction):.6g}, "
            f"Tt {float(dataset.transmittance):.6g} "
            f"({stats.photons_per_s:,.0f} photons/s) -> {escape(str(target))}",
            soft_wrap=True,
        )
        if capped:
            console.print(escape(capped_note(dataset)), soft_wrap=True)


def mcml_read_command(
    mco: Annotated[Path, typer.Argument(help="MCML output file (.mco)")],
    out: Annotated[
        Path | None,
        typer.Option(help="also export the arrays: .nc (netCDF, CF units) or .csv (a tidy table)"),
    ] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing --out file")] = False,
) -> None:
    """Print an .mco file's input parameters and its RAT block (totals); --out exports it
    in photodose's units (mm, per W delivered)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from photodose.io.mcml_format import read_mco
    from photodose.io.output_path import atomic_write, check_output_path
    from photodose.io.result_csv import EXPORT_SUFFIXES, export_result
    from photodose.specs import Simulation
    from photodose.specs import result as schema
    from photodose.units import MM_PER_CM

    target = None
    if out is not None:
        target = check_output_path(out, EXPORT_SUFFIXES, force=force, inputs=[mco])
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
        (schema.SPECULAR_REFLECTANCE, "specular reflectance"),
        (schema.DIFFUSE_REFLECTANCE, "diffuse reflectance"),
        (schema.ABSORBED_FRACTION, "absorbed fraction"),
        (schema.TRANSMITTANCE, "transmittance"),
    ):
        totals.add_row(label, f"{float(dataset[name]):.6g}")
    console.print(totals)
    if target is not None:
        with atomic_write(target) as temporary:
            export_result(dataset, temporary)
        console.print(f"exported to {escape(str(target))}")
