"""A transport result drawn as a figure: the fluence map, the axis profile and Rd(r).

    fig = plot_result(result)                 # matplotlib Figure (Agg backend)
    plot_result(result, "result.png")         # or .svg

Three panels, units on every axis: the fluence rate per watt on the (r, z) grid on a log
scale with the layer boundaries; the fluence rate near the beam axis (mean over the first
AXIS_BINS radial bins, photodose.dose.depth_fluence.depth_profile) against depth with a
band of +-1 standard error; the diffuse reflectance Rd(r) with its standard error. The
overflow bins (the last r and z bins, which also hold everything beyond the grid) are
left out, so they do not show as a spike. Presentation only: the values drawn are the
result's own. matplotlib is imported when a figure is made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from photodose.dose.depth_fluence import depth_profile
from photodose.errors import BadInputError
from photodose.specs.stack import layer_boundaries_mm

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOT_SUFFIXES = (".png", ".svg")
FLUENCE = "fluence_rate_rz_per_mm2"
REFLECTANCE = "rd_r_per_mm2"
# The colour scale spans this many decades below the map's maximum.
MAP_DECADES = 5.0
# The depth profile is the mean over this many radial bins around the axis: the first bin
# alone (r < dr) catches few photons and is noisy.
AXIS_BINS = 5


def plot_result(
    result: xr.Dataset,
    path: str | Path | None = None,
    wavelength_nm: float | None = None,
    title: str | None = None,
) -> Figure:
    """Draw `result`; with `path` (.png or .svg) also write the figure there. A result with
    a wavelength_nm axis is drawn at `wavelength_nm` (default: its first wavelength)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    if path is not None and Path(path).suffix.lower() not in PLOT_SUFFIXES:
        raise BadInputError("path", str(path), "use a file name ending in .png or .svg")
    data, index, wavelength = _one_wavelength(result, wavelength_nm)
    for name in (FLUENCE, REFLECTANCE):  # standard errors: drawn where the result has them
        if name not in data:
            raise BadInputError("result", f"no variable {name}", "pass a transport result")
    r_keep = _inside(data, "r")
    z_keep = _inside(data, "z")
    r = data["r_mm"].values[r_keep]
    z = data["z_mm"].values[z_keep]
    dr = float(data["r_mm"].values[1] - data["r_mm"].values[0]) if data.sizes["r_mm"] > 1 else 1.0
    dz = float(data["z_mm"].values[1] - data["z_mm"].values[0]) if data.sizes["z_mm"] > 1 else 1.0
    fluence = data[FLUENCE].transpose("r_mm", "z_mm").values[np.ix_(r_keep, z_keep)]
    boundaries, names = _layers(result, index)

    figure = Figure(figsize=(11.0, 6.2), layout="constrained")
    grid = figure.add_gridspec(2, 2, width_ratios=(1.25, 1.0))
    field_axis = figure.add_subplot(grid[:, 0])
    depth_axis = figure.add_subplot(grid[0, 1])
    rd_axis = figure.add_subplot(grid[1, 1])

    positive = fluence[fluence > 0]
    top = float(positive.max()) if positive.size else 1.0
    norm = LogNorm(vmin=top / 10.0**MAP_DECADES, vmax=top)
    shown = np.where(fluence > 0, fluence, np.nan)
    r_edges = np.concatenate([[0.0], r + dr / 2.0])
    z_edges = np.concatenate([[0.0], z + dz / 2.0])
    # below the scale and bins no photon reached: the scale's darkest colour
    colours = matplotlib.colormaps["magma"].with_extremes(under="black", bad="black")
    mesh = field_axis.pcolormesh(r_edges, z_edges, shown.T, norm=norm, cmap=colours,
                                 shading="flat", rasterized=True)  # fmt: skip
    figure.colorbar(mesh, ax=field_axis, label="fluence rate per W delivered (W/mm² per W)")
    field_axis.set_xlim(0.0, r_edges[-1])
    field_axis.set_ylim(z_edges[-1], 0.0)
    field_axis.set_xlabel("radius r (mm)")
    field_axis.set_ylabel("depth z (mm)")
    field_axis.set_title("fluence rate, log scale")
    for depth in boundaries[1:]:
        if depth < z_edges[-1]:
            field_axis.axhline(depth, color="white", linewidth=0.8, linestyle="--")
    # a name where its layer is tall enough on the map to hold it
    for top_mm, bottom_mm, name in zip(boundaries[:-1], boundaries[1:], names, strict=True):
        if top_mm < z_edges[-1] and min(bottom_mm, z_edges[-1]) - top_mm > 0.03 * z_edges[-1]:
            field_axis.text(0.98 * r_edges[-1], top_mm, name, color="white", fontsize=8,
                            ha="right", va="top")  # fmt: skip

    axis_radius = min(AXIS_BINS, int(r_keep.sum())) * dr
    profile = depth_profile(data, radius_mm=axis_radius)
    z_profile = profile["z_mm"].values
    axis = profile["fluence_rate_per_mm2"].values
    axis_se = profile["fluence_rate_per_mm2_se"].values
    depth_axis.semilogy(z_profile, np.where(axis > 0, axis, np.nan), color="C0",
                        label=f"mean over r < {axis_radius:g} mm")  # fmt: skip
    _band(depth_axis, z_profile, axis, axis_se, "C0")
    for depth in boundaries[1:-1]:
        if depth < z_edges[-1]:
            depth_axis.axvline(depth, color="grey", linewidth=0.8, linestyle="--")
    depth_axis.set_xlabel("depth z (mm)")
    depth_axis.set_ylabel("fluence rate (W/mm² per W)")
    depth_axis.set_title("on the beam axis")
    depth_axis.legend(fontsize=8)

    rd = data[REFLECTANCE].values[r_keep]
    rd_se_name = f"{REFLECTANCE}_se"
    rd_se = data[rd_se_name].values[r_keep] if rd_se_name in data else np.full(r.size, np.nan)
    rd_axis.semilogy(r, np.where(rd > 0, rd, np.nan), color="C1", label="Rd(r)")
    _band(rd_axis, r, rd, rd_se, "C1")
    rd_axis.set_xlabel("radius r (mm)")
    rd_axis.set_ylabel("diffuse reflectance Rd(r) (W/mm² per W)")
    rd_axis.set_title("diffuse reflectance")
    rd_axis.legend(fontsize=8)

    figure.suptitle(title or _default_title(result, wavelength))
    if path is not None:
        from photodose.io.output_path import atomic_write

        with atomic_write(Path(path)) as temporary:
            figure.savefig(temporary, dpi=120)
    return figure


def _band(axis: Any, x: np.ndarray, y: np.ndarray, se: np.ndarray, colour: str) -> None:
    """+-1 standard error around y (none drawn without errors, e.g. from an MCML file);
    the log axis keeps the curve's own range."""
    positive = y[y > 0]
    if not positive.size:
        return
    floor = float(positive.min()) / 3.0
    if np.isfinite(se).any():
        axis.fill_between(x, np.clip(y - se, floor, None), y + se, color=colour, alpha=0.3,
                          linewidth=0, label="±1 standard error")  # fmt: skip
    axis.set_ylim(bottom=floor)


def _one_wavelength(
    result: xr.Dataset, wavelength_nm: float | None
) -> tuple[xr.Dataset, int, float | None]:
    if "wavelength_nm" not in result.dims:
        recorded = result.attrs.get("wavelength_nm")
        return result, 0, float(recorded) if recorded is not None else wavelength_nm
    wavelengths = result["wavelength_nm"].values
    if wavelength_nm is None:
        index = 0
    else:
        matches = np.flatnonzero(np.isclose(wavelengths, wavelength_nm))
        if not matches.size:
            raise BadInputError(
                "wavelength_nm", wavelength_nm, f"the result has {wavelengths.tolist()} nm"
            )
        index = int(matches[0])
    return result.isel(wavelength_nm=index), index, float(wavelengths[index])


def _inside(data: xr.Dataset, axis: str) -> np.ndarray:
    """Bins to draw: all but the overflow bin (flagged, or by the MCML convention the last)."""
    flag = f"{axis}_overflow"
    if flag in data.coords:
        return np.asarray(data[flag].values) == 0
    keep = np.ones(data.sizes[f"{axis}_mm"], dtype=bool)
    keep[-1] = False
    return keep


def _layers(result: xr.Dataset, index: int) -> tuple[tuple[float, ...], list[str]]:
    """Layer boundary depths (mm) and names, from the spec the result records."""
    spec: dict[str, Any] | None = None
    if "simulation" in result.attrs:
        spec = json.loads(result.attrs["simulation"])
    elif "simulations" in result.attrs:
        spec = json.loads(result.attrs["simulations"])[index]
    if spec is None:
        return (0.0,), []
    layers = spec["stack"]["layers"]
    return layer_boundaries_mm(layer["thickness_mm"] for layer in layers), [
        layer["name"] for layer in layers
    ]


def _default_title(result: xr.Dataset, wavelength_nm: float | None) -> str:
    photons = result.attrs.get("photons")
    parts = ["transport result, per W delivered"]
    if wavelength_nm is not None:
        parts.append(f"{wavelength_nm:g} nm")
    if photons is not None:
        parts.append(f"{int(photons):,} photons")
    return ", ".join(parts)
