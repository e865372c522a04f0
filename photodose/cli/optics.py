"""`photodose optics`: a tissue's optical properties over wavelength, as a table or a plot."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # the library loads inside the commands: --help stays fast
    import numpy as np
    from numpy.typing import NDArray


_PLOT_SUFFIXES = (".png", ".svg")


def register(app: typer.Typer) -> None:
    app.command("optics")(optics_command)


# The chromophore spectra are tabulated on a 1 nm grid from 450 to 1100 nm
# (optics/spectra.py): a finer step interpolates and shows nothing new, and more than a
# few thousand rows is no table a person reads.
WAVELENGTH_STEP_MIN_NM = 0.01
WAVELENGTH_COUNT_MAX = 10_000
_WAVELENGTH_FORMS = "give start:stop:step (e.g. 600:1100:10) or a list (e.g. 810,850,980), in nm"


def parse_wavelengths(text: str) -> NDArray[np.float64]:
    """'600:1100:10' (start:stop:step, stop included) or '810,850,980' -> wavelengths in nm.

    Refused up front, before any array is made: anything not a finite number, a step
    not above `WAVELENGTH_STEP_MIN_NM`, stop before start, and grids of more than
    `WAVELENGTH_COUNT_MAX` wavelengths (450:1100:0.005 would be 130,001 rows)."""
    import numpy as np

    from photodose.errors import BadInputError

    def bad(reason: str) -> BadInputError:
        return BadInputError("--wavelengths", repr(text), reason)

    parts = [p.strip() for p in text.split(":" if ":" in text else ",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise bad(_WAVELENGTH_FORMS) from None
    if not values or not all(math.isfinite(v) for v in values):
        raise bad(f"every value must be a finite number; {_WAVELENGTH_FORMS}")
    if ":" in text:
        if len(values) != 3:
            raise bad(_WAVELENGTH_FORMS)
        start, stop, step = values
        if step < WAVELENGTH_STEP_MIN_NM:
            raise bad(f"the step must be at least {WAVELENGTH_STEP_MIN_NM:g} nm")
        if stop < start:
            raise bad("stop must not be below start")
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > WAVELENGTH_COUNT_MAX:
            raise bad(
                f"asks for {count:,} wavelengths; at most {WAVELENGTH_COUNT_MAX:,} "
                "(the spectra are tabulated every 1 nm: use a larger step)"
            )
        return start + step * np.arange(count, dtype=float)
    if len(values) > WAVELENGTH_COUNT_MAX:
        raise bad(f"lists {len(values):,} wavelengths; at most {WAVELENGTH_COUNT_MAX:,}")
    return np.array(values)


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """['blood_fraction=0.01', 'name=x'] -> {'blood_fraction': 0.01, 'name': 'x'}."""
    from photodose.errors import BadInputError

    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadInputError(
                "--set", repr(item), "expected FIELD=VALUE, e.g. blood_fraction=0.01"
            )
        try:
            overrides[key.strip()] = float(value)
        except ValueError:
            overrides[key.strip()] = value
    return overrides


def optics_command(
    tissue: Annotated[str, typer.Argument(help="tissue preset, e.g. dermis, muscle, epidermis")],
    wavelengths: Annotated[
        str, typer.Option(help="start:stop:step or a comma list, nm (450-1100)")
    ] = "600:1100:50",
    skin_type: Annotated[
        int | None, typer.Option(help="Fitzpatrick skin type 1-6 (epidermis, plantar_skin)")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="override a composition field, FIELD=VALUE (repeatable)"),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="also plot mua and mus' to this .png or .svg file")
    ] = None,
    csv: Annotated[
        Path | None, typer.Option(help="also write the table to this .csv file")
    ] = None,
    force: Annotated[bool, typer.Option(help="overwrite existing --plot/--csv files")] = False,
) -> None:
    """Print mua, mus', mus, g and n of a tissue over wavelength (Jacques 2013 model)."""
    from rich.console import Console
    from rich.table import Table

    from photodose.errors import BadInputError
    from photodose.io.output_path import check_output_path
    from photodose.optics import optical_spectrum, tissue_preset
    from photodose.optics.spectra import WAVELENGTH_MAX_NM, WAVELENGTH_MIN_NM

    grid = parse_wavelengths(wavelengths)
    if plot is not None:
        plot = check_output_path(plot, _PLOT_SUFFIXES, force=force, what="--plot")
    if csv is not None:
        csv = check_output_path(csv, (".csv",), force=force, what="--csv")
    low, high = WAVELENGTH_MIN_NM, WAVELENGTH_MAX_NM
    outside = grid[(grid < low) | (grid > high)]
    if outside.size:
        raise BadInputError(
            "--wavelengths", repr(wavelengths),
            f"{outside[0]:g} nm is outside {low:g}-{high:g} nm, where the chromophore "
            "spectra are tabulated",
        )  # fmt: skip
    composition = tissue_preset(tissue, skin_type=skin_type, **parse_overrides(set_ or []))
    spectrum = optical_spectrum(composition, grid)
    title = composition.name + (f", skin type {skin_type}" if skin_type is not None else "")
    table = Table(title=title, caption=composition.source)
    for header in ("wavelength nm", "mua 1/mm", "mus' 1/mm", "mus 1/mm", "g", "n"):
        table.add_column(header, justify="right")
    for i, wavelength in enumerate(spectrum.wavelength_nm.values):
        table.add_row(
            f"{wavelength:g}",
            f"{spectrum.mua_per_mm.values[i]:.4g}",
            f"{spectrum.musp_per_mm.values[i]:.4g}",
            f"{spectrum.mus_per_mm.values[i]:.4g}",
            f"{spectrum.g.values[i]:.3g}",
            f"{spectrum.n.values[i]:.4g}",
        )
    console = Console()
    console.print(table)
    if csv is not None:
        _write_csv(csv, spectrum)
        console.print(f"table written to {csv}")
    if plot is not None:
        _plot(spectrum.wavelength_nm.values, spectrum, title, plot)
        console.print(f"plot written to {plot}")


def _plot(wavelengths: NDArray[np.float64], spectrum: Any, title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from photodose.io.output_path import atomic_write

    figure, axes = plt.subplots(2, 1, sharex=True, figsize=(6.4, 6.0))
    axes[0].semilogy(wavelengths, spectrum.mua_per_mm.values, marker=".")
    axes[0].set_ylabel("mua (1/mm)")
    axes[1].plot(wavelengths, spectrum.musp_per_mm.values, marker=".")
    axes[1].set_ylabel("mus' (1/mm)")
    axes[1].set_xlabel("wavelength (nm)")
    axes[0].set_title(f"{title} (Jacques 2013 model)")
    for axis in axes:
        axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    try:
        with atomic_write(path) as temporary:
            figure.savefig(temporary)
    finally:
        plt.close(figure)


CSV_COLUMNS = ("wavelength_nm", "mua_per_mm", "musp_per_mm", "mus_per_mm", "g", "n")


def _write_csv(path: Path, spectrum: Any) -> None:
    """One row per wavelength, full precision; units in the column names."""
    import csv as csv_module

    from photodose.io.output_path import atomic_write

    with atomic_write(path) as temporary, temporary.open("w", newline="") as handle:
        writer = csv_module.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for i in range(spectrum.sizes["wavelength_nm"]):
            writer.writerow([repr(float(spectrum[column].values[i])) for column in CSV_COLUMNS])
