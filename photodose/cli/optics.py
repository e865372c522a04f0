"""`photodose optics`: a tissue's optical properties over wavelength, as a table or a plot."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

from photodose.errors import BadInputError
from photodose.optics import optical_spectrum, tissue_preset

_PLOT_SUFFIXES = (".png", ".svg")


def register(app: typer.Typer) -> None:
    app.command("optics")(optics_command)


def parse_wavelengths(text: str) -> NDArray[np.float64]:
    """'600:1100:10' (start:stop:step, stop included) or '810,850,980' -> wavelengths in nm."""
    try:
        if ":" in text:
            parts = [float(p) for p in text.split(":")]
            if len(parts) != 3:
                raise ValueError
            start, stop, step = parts
            if step <= 0 or stop < start:
                raise ValueError
            count = math.floor((stop - start) / step + 1e-9) + 1
            return start + step * np.arange(count, dtype=float)
        return np.array([float(p) for p in text.split(",")])
    except ValueError:
        raise BadInputError(
            "--wavelengths",
            repr(text),
            "give start:stop:step (e.g. 600:1100:10, step > 0) or a list (e.g. 810,850,980), in nm",
        ) from None


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """['blood_fraction=0.01', 'name=x'] -> {'blood_fraction': 0.01, 'name': 'x'}."""
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
) -> None:
    """Print mua, mus', mus, g and n of a tissue over wavelength (Jacques 2013 model)."""
    if plot is not None and plot.suffix.lower() not in _PLOT_SUFFIXES:
        raise BadInputError("--plot", repr(str(plot)), "the file must end in .png or .svg")
    composition = tissue_preset(tissue, skin_type=skin_type, **parse_overrides(set_ or []))
    spectrum = optical_spectrum(composition, parse_wavelengths(wavelengths))
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
    if plot is not None:
        _plot(spectrum.wavelength_nm.values, spectrum, title, plot)
        console.print(f"plot written to {plot}")


def _plot(wavelengths: NDArray[np.float64], spectrum: Any, title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
    figure.savefig(path)
    plt.close(figure)
