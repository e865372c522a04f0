"""The fluence rate at one depth, on the beam axis or averaged over a disc, with its error.

    value, se = fluence_at_depth(result, z_mm=10.0)                 # on the axis
    value, se = fluence_at_depth(result, z_mm=10.0, radius_mm=2.0)  # mean over r < 2 mm

Values are those of `fluence_rate_rz_per_mm2`: W/mm^2 per W delivered (times power in W
and time in s gives J/mm^2; times 100 more, J/cm^2). "On the axis" is the first radial
bin (0 <= r < dr), the tally's own axis value. Between depth-bin centres the value is
interpolated linearly; above the first centre it is the first centre's value. The disc
mean weights each radial bin by the area it shares with the disc (bins are uniform in r,
as tallied). The overflow bins (last r and z bins, which also hold everything beyond the
grid) are never used: a depth or radius reaching them is refused.

Standard errors: the bins share photons, so their errors are correlated and the result
does not carry what is needed to add them exactly. The SE given is sum_i w_i se_i over
the bins used, an upper bound for any correlation (the same rule as photodose.dose.spectral).
A result without standard errors (an MCML .mco file read back) gives NaN for them.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from photodose.dose.rz_field import FLUENCE_RATE, RZField
from photodose.errors import BadInputError


class FluenceAtDepth(NamedTuple):
    """Fluence rate per watt delivered (W/mm^2 per W) and its standard error (an upper
    bound, see the module docstring; NaN if the result has none); unpacks as (value, se)."""

    value_per_mm2: float
    se_per_mm2: float


def fluence_at_depth(
    result: xr.Dataset, z_mm: float, radius_mm: float | None = None
) -> FluenceAtDepth:
    """Fluence rate at depth `z_mm` on the axis (`radius_mm` None) or averaged over the disc
    r < `radius_mm`, with its standard error; W/mm^2 per W delivered."""
    field = _checked_field(result)
    depth_limit = field.z_mm[-1] + field.dz_mm / 2.0  # top of the overflow bin
    if not (math.isfinite(z_mm) and 0.0 <= z_mm <= depth_limit):
        raise BadInputError(
            "z_mm", z_mm,
            f"must lie in 0 to {depth_limit:g} mm (deeper is the grid's overflow bin)",
        )  # fmt: skip
    weights = _radial_weights(field, radius_mm)
    value = float(weights @ _at_depth(field.z_mm, field.values, z_mm))
    if field.standard_error is None:  # an MCML file holds no standard errors
        return FluenceAtDepth(value, math.nan)
    se = float(weights @ _at_depth(field.z_mm, field.standard_error, z_mm))
    return FluenceAtDepth(value, se)


def _checked_field(result: xr.Dataset) -> RZField:
    if "wavelength_nm" in result.dims:
        raise BadInputError(
            "result", f"{result.sizes['wavelength_nm']} wavelengths",
            "select one first, e.g. result.sel(wavelength_nm=850)",
        )  # fmt: skip
    if FLUENCE_RATE not in result:
        raise BadInputError(
            "result", "a dataset without fluence_rate_rz_per_mm2",
            "pass a transport result (photodose.simulate, or a saved .nc result)",
        )  # fmt: skip
    return RZField.from_dataset(result)


def _radial_weights(field: RZField, radius_mm: float | None) -> NDArray[np.float64]:
    weights = np.zeros(field.r_mm.size)
    if radius_mm is None:
        weights[0] = 1.0
        return weights
    radius_limit = field.r_mm[-1] + field.dr_mm / 2.0  # inner edge of the overflow bin
    if not (math.isfinite(radius_mm) and 0.0 < radius_mm <= radius_limit):
        raise BadInputError(
            "radius_mm", radius_mm,
            f"must lie in (0, {radius_limit:g}] mm (wider reaches the grid's overflow bin); "
            "None for the axis",
        )  # fmt: skip
    inner = np.arange(field.r_mm.size) * field.dr_mm
    outer = np.minimum(inner + field.dr_mm, radius_mm)
    shared = np.clip(outer**2 - inner**2, 0.0, None)  # area / pi inside the disc
    return shared / radius_mm**2


def _at_depth(
    z_centres: NDArray[np.float64], table: NDArray[np.float64], z_mm: float
) -> NDArray[np.float64]:
    """Each radial bin's value at depth z_mm, linear between depth-bin centres (RZField
    keeps at least two of them)."""
    z = min(max(z_mm, z_centres[0]), z_centres[-1])
    upper = min(max(int(np.searchsorted(z_centres, z, side="right")), 1), z_centres.size - 1)
    lower = upper - 1
    t = (z - z_centres[lower]) / (z_centres[upper] - z_centres[lower])
    return (1.0 - t) * table[:, lower] + t * table[:, upper]


def depth_profile(result: xr.Dataset, radius_mm: float | None = None) -> xr.Dataset:
    """`fluence_at_depth` at every depth-bin centre (overflow bin left out): variables
    `fluence_rate_per_mm2` and `fluence_rate_per_mm2_se` over z_mm, W/mm^2 per W."""
    field = _checked_field(result)
    weights = _radial_weights(field, radius_mm)
    errors = field.standard_error
    se = weights @ errors if errors is not None else np.full(field.z_mm.size, np.nan)
    where = "on the axis" if radius_mm is None else f"mean over r < {radius_mm:g} mm"
    attrs = {"units": "W mm-2 W-1", "long_name": f"fluence rate per W delivered, {where}"}
    se_attrs = attrs | {"long_name": f"standard error (upper bound) of the fluence rate, {where}"}
    return xr.Dataset(
        {
            "fluence_rate_per_mm2": ("z_mm", weights @ field.values, attrs),
            "fluence_rate_per_mm2_se": ("z_mm", se, se_attrs),
        },
        coords={"z_mm": ("z_mm", field.z_mm, {"units": "mm", "long_name": "depth"})},
        attrs={"radius_mm": radius_mm if radius_mm is not None else "axis (first radial bin)"},
    )
