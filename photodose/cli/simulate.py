"""`photodose simulate`: run a layered-tissue Monte Carlo from a JSON/TOML spec file.

The spec may name tissue presets or a treatment site at one or several wavelengths
(photodose.tissue.simulation_file); `--template` writes a commented example spec.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import xarray as xr
    from rich.console import Console

RESULT_SUFFIXES = (".nc", ".csv")
SPEC_SUFFIXES = (".toml", ".json")


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)


def simulate_command(
    spec: Annotated[
        Path | None,
        typer.Argument(help="simulation spec, .toml or .json (with --template: the file to write)"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="write the result here: .nc (netCDF) or .csv (a table)")
    ] = None,
    photons: Annotated[int | None, typer.Option(help="override the photon count")] = None,
    seed: Annotated[int | None, typer.Option(help="override the seed")] = None,
    workers: Annotated[int | None, typer.Option(help="threads (default: all cores)")] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
    force: Annotated[bool, typer.Option(help="overwrite an existing output file")] = False,
    template: Annotated[
        bool,
        typer.Option(
            "--template", help="write a commented example spec (to SPEC, or print it) and stop"
        ),
    ] = False,
) -> None:
    """Run photon transport in a layered stack; print totals, save the labelled result."""
    from photodose.errors import BadInputError, InputFileError
    from photodose.io.output_path import check_output_path

    if template:
        _write_template(spec, force)
        return
    if spec is None:
        raise BadInputError("SPEC", "(none)", "give a spec file, or --template for an example")
    if not spec.is_file():
        raise InputFileError(spec, "no such file")
    from photodose.specs.simulation import check_photons, check_seed
    from photodose.transport import resolve_workers

    # Everything the user gave is checked before the run starts, so a bad --out costs
    # nothing (the run may take minutes).
    if photons is not None:
        check_photons(photons, "--photons")
    if seed is not None:
        check_seed(seed, "--seed")
    threads = resolve_workers(workers, what="--workers")
    target = None
    if out is not None:
        target = check_output_path(out, RESULT_SUFFIXES, force=force, what="--out", inputs=[spec])
    if workers is not None and threads < workers:
        typer.echo(f"--workers {workers}: using {threads}, the number of cores")
    _run(spec, target, photons, seed, threads, quiet)


def _write_template(path: Path | None, force: bool) -> None:
    from photodose.io.output_path import atomic_write, check_output_path
    from photodose.tissue.simulation_file import simulation_template

    text = simulation_template()
    if path is None:
        typer.echo(text, nl=False)
        return
    target = check_output_path(path, SPEC_SUFFIXES[:1], force=force, what="SPEC")
    with atomic_write(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
    typer.echo(f"example spec written to {target}; run it with: photodose simulate {target}")


def _run(
    spec: Path,
    target: Path | None,
    photons: int | None,
    seed: int | None,
    workers: int | None,
    quiet: bool,
) -> None:
    from pydantic import ValidationError
    from rich.console import Console
    from rich.markup import escape

    from photodose.cli.progress import photon_progress
    from photodose.errors import InputFileError
    from photodose.io.output_path import atomic_write
    from photodose.io.result_csv import export_result
    from photodose.specs import describe_error
    from photodose.tissue.simulation_file import SimulationFile
    from photodose.transport import capped_note, simulate_with_stats
    from photodose.transport.grid_coverage import GridCoverageWarning, coverage_problems
    from photodose.transport.wavelength_stack import stack_wavelengths

    update = {k: v for k, v in {"photons": photons, "seed": seed}.items() if v is not None}
    try:  # a file can parse and still build no valid simulation (e.g. every layer clear)
        request = SimulationFile.load(spec)
        if update:
            request = SimulationFile.model_validate(request.model_dump() | update)
        simulations = request.resolve(base_dir=spec.parent)
    except ValidationError as error:
        problems = "; ".join(describe_error(error).splitlines())
        raise InputFileError(spec, f"not a valid simulation: {problems}") from None
    console = Console()
    errors = Console(stderr=True)
    for problem in coverage_problems(simulations[0]):
        errors.print(f"warning: {escape(problem)}", soft_wrap=True)
    results = []
    for simulation in simulations:
        at = f" at {simulation.wavelength_nm:g} nm" if simulation.wavelength_nm else ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GridCoverageWarning)  # printed once above
            with photon_progress(
                escape(f"transport {spec.name}{at}"), simulation.photons, not quiet
            ) as tick:
                dataset, stats = simulate_with_stats(simulation, workers=workers, progress=tick)
        results.append(dataset)
        _print_totals(console, spec.name + at, simulation.photons, simulation.seed, dataset)
        console.print(
            f"{stats.photons_per_s:,.0f} photons/s, {stats.scatterings_per_s:,.0f} "
            f"scatterings/s on {stats.workers} thread(s)"
        )
        if dataset.attrs.get("capped_photons"):
            console.print(escape(capped_note(dataset)))
    if target is not None:
        with atomic_write(target) as temporary:
            export_result(stack_wavelengths(results), temporary)
        console.print(f"result written to {escape(str(target))}")


def _print_totals(
    console: Console, title: str, photons: int, seed: int, dataset: xr.Dataset
) -> None:
    from rich.markup import escape
    from rich.table import Table

    from photodose.specs import result as schema

    table = Table(title=escape(f"{title}: {photons:,} photons, seed {seed}"))
    table.add_column("quantity")
    table.add_column("value (per W delivered)", justify="right")
    table.add_column("standard error", justify="right")
    table.add_row("specular reflectance", f"{float(dataset.specular_reflectance):.6f}", "exact")
    for name, label in (
        (schema.DIFFUSE_REFLECTANCE, "diffuse reflectance"),
        (schema.ABSORBED_FRACTION, "absorbed fraction"),
        (schema.TRANSMITTANCE, "transmittance"),
    ):
        table.add_row(label, f"{float(dataset[name]):.6f}", f"{float(dataset[name + '_se']):.6f}")
    console.print(table)
