"""Measure the fast path's error: diffusion theory against a Monte Carlo result.

Both results are on the Simulation's grid. The overflow bins (the last r and z bins,
which also hold everything beyond the grid) and bins below the stack are left out (NaN).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from photodose.errors import BadInputError
from photodose.specs import Simulation
from photodose.transport.diffusion_layered import diffuse


def _check_same_grid(simulation: Simulation, mc: xr.Dataset) -> None:
    grid = simulation.grid
    expected_r = (np.arange(grid.nr) + 0.5) * grid.dr_mm
    expected_z = (np.arange(grid.nz) + 0.5) * grid.dz_mm
    for name, expected in (("r_mm", expected_r), ("z_mm", expected_z)):
        if name not in mc.coords:
            raise ValueError(f"mc_dataset has no coordinate {name!r}: not a transport result")
        got = mc[name].values
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-9):
            raise ValueError(
                f"mc_dataset.{name} = {got.size} bins up to {got.max():.6g} mm: the "
                f"simulation's grid has {expected.size} bins up to {expected.max():.6g} mm"
            )


def _depth_tmfp(simulation: Simulation, z_mm: np.ndarray) -> np.ndarray:
    """Depth in transport mean free paths, int_0^z (mua + mus') dz."""
    stack = simulation.stack
    bounds = np.array(stack.boundaries_mm)
    mutp = np.array([layer.tissue.mua_per_mm + layer.tissue.musp_per_mm
                     for layer in stack.layers])  # fmt: skip
    per_layer = np.clip(z_mm[:, None] - bounds[None, :-1], 0.0, np.diff(bounds)[None, :])
    return per_layer @ mutp


def compare_to_monte_carlo(
    simulation: Simulation,
    mc_dataset: xr.Dataset,
    axis_radius_mm: float | None = None,
    depth_mm: float | None = None,
) -> xr.Dataset:
    """Relative error of `diffuse(simulation)` against `mc_dataset` (a `simulate` result
    of the same simulation).

    - On the beam axis, versus depth: fluence rate averaged (by volume) over the radial
      bins whose centres lie within `axis_radius_mm` (default: the 3 innermost bins),
      for both methods, `relative_error_axis` = diffusion / MC - 1 and `relative_se_axis`,
      the MC standard error of that mean over the MC mean (bins treated as independent).
    - At `depth_mm` (if given; the bin holding it), versus radius: the same quantities.
    - Totals: diffuse reflectance, transmittance, absorbed fraction per layer.
    `depth_tmfp` gives each depth in transport mean free paths (diffusion theory is not
    meant to hold within ~2 of the surface or of the source).
    """
    _check_same_grid(simulation, mc_dataset)
    fast = diffuse(simulation)
    grid = simulation.grid
    z = fast.z_mm.values
    r = fast.r_mm.values
    inside = (np.arange(grid.nz) < grid.nz - 1) & (z < simulation.stack.thickness_mm)
    radius = 3.0 * grid.dr_mm if axis_radius_mm is None else axis_radius_mm
    if radius <= 0.0:
        raise BadInputError("axis_radius_mm", axis_radius_mm, "must be > 0")
    central = (r < radius) & (np.arange(grid.nr) < grid.nr - 1)
    if not central.any():
        central[0] = True
    weight = (r * central) / (r * central).sum()

    mc_f = mc_dataset["fluence_rate_rz_per_mm2"].values
    mc_se = mc_dataset["fluence_rate_rz_per_mm2_se"].values
    fd_f = fast["fluence_rate_rz_per_mm2"].values

    def masked(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
        return np.where(keep, values, np.nan)

    axis_mc = weight @ mc_f
    axis_fd = weight @ fd_f
    axis_se = np.sqrt((weight**2) @ (mc_se**2))
    with np.errstate(divide="ignore", invalid="ignore"):
        data: dict[str, tuple] = {
            "fluence_axis_mc_per_mm2": (("z_mm",), masked(axis_mc, inside)),
            "fluence_axis_diffusion_per_mm2": (("z_mm",), masked(axis_fd, inside)),
            "relative_error_axis": (("z_mm",), masked(axis_fd / axis_mc - 1.0, inside)),
            "relative_se_axis": (("z_mm",), masked(axis_se / axis_mc, inside)),
        }
    coords: dict[str, tuple] = {
        "z_mm": ("z_mm", z, {"units": "mm"}),
        "depth_tmfp": ("z_mm", _depth_tmfp(simulation, z)),
        "r_mm": ("r_mm", r, {"units": "mm"}),
        "layer": ("layer", fast.layer.values),
        "layer_name": ("layer", fast.layer_name.values),
    }
    attrs: dict[str, object] = {"axis_radius_mm": radius}
    if depth_mm is not None:
        if not 0.0 <= depth_mm < min(grid.nz * grid.dz_mm, simulation.stack.thickness_mm):
            raise BadInputError(
                "depth_mm",
                depth_mm,
                "must lie in the tissue and on the grid, [0, "
                f"{min(grid.nz * grid.dz_mm, simulation.stack.thickness_mm):.6g}) mm",
            )
        iz = int(depth_mm / grid.dz_mm)
        keep_r = np.arange(grid.nr) < grid.nr - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            data.update(
                fluence_at_depth_mc_per_mm2=(("r_mm",), masked(mc_f[:, iz], keep_r)),
                fluence_at_depth_diffusion_per_mm2=(("r_mm",), masked(fd_f[:, iz], keep_r)),
                relative_error_at_depth=(("r_mm",), masked(fd_f[:, iz] / mc_f[:, iz] - 1, keep_r)),
                relative_se_at_depth=(("r_mm",), masked(mc_se[:, iz] / mc_f[:, iz], keep_r)),
            )
        attrs["depth_mm"] = float(z[iz])
    for name in ("diffuse_reflectance", "transmittance"):
        data[f"{name}_mc"] = ((), float(mc_dataset[name]))
        data[f"{name}_diffusion"] = ((), float(fast[name]))
    data["absorbed_fraction_by_layer_mc"] = (
        ("layer",),
        mc_dataset["absorbed_fraction_by_layer"].values,
    )
    data["absorbed_fraction_by_layer_diffusion"] = (
        ("layer",),
        fast["absorbed_fraction_by_layer"].values,
    )
    return xr.Dataset(data, coords=coords, attrs=attrs)
