"""Fluence rate and fluence at a nerve from a transport result.

The nerve is a cylinder of diameter D running parallel to the skin, its axis at depth d
(to the centre) and crossing under the beam at lateral offset x0 from the beam axis.
Take the nerve along y. Its cross-section under the beam is the disc of radius D/2
centred at (x0, d) in the x-z plane at y = 0, where the radial coordinate of the
cylindrically symmetric transport result is r = |x|; at a distance y along the nerve the
cross-section is the same disc with r = sqrt(x^2 + y^2).

The cross-section mean is a midpoint rule on equal-area cells of the disc (rings equal in
rho^2, spokes equal in angle), the minimum is taken over those cells' centres and points
on the disc's rim; values come from bilinear interpolation of the binned field
(rz_field.RZField). The fluence rate is W/mm^2 per watt delivered; fluence in J/cm^2 is
rate x power x time x 100 (mm^2 per cm^2).

Standard error of the mean: the tally's bin errors are positively correlated (one photon
packet deposits in many bins), so averaging the interpolated errors (a linear sum)
bounds the error of the mean from above for any correlation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from photodose.dose.rz_field import RZField
from photodose.dose.validation import require_non_negative, require_positive
from photodose.errors import BadInputError
from photodose.units import MM2_PER_CM2

# Quadrature for one cross-section: 48 x 96 cells puts the midpoint rule's error far
# below Monte Carlo noise for fields that vary on the scale of a bin (checked against an
# adaptive integral in tests/dose/test_nerve.py).
CROSS_SECTION_RINGS = 48
CROSS_SECTION_SPOKES = 96
RIM_POINTS = 256
# Along the nerve each cross-section is sampled more coarsely: there are many of them.
PROFILE_RINGS = 16
PROFILE_SPOKES = 32


@dataclass(frozen=True)
class CrossSection:
    """Fluence rate over the nerve's cross-section under the beam, W/mm^2 per W delivered."""

    mean_per_mm2: float
    min_per_mm2: float
    mean_se_per_mm2: float | None
    """Upper bound of the Monte Carlo standard error of the mean (None if not tallied)."""


def _disc_points(
    centre_x_mm: float, centre_z_mm: float, radius_mm: float, rings: int, spokes: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Centres of rings x spokes equal-area cells of a disc (x, z), flattened."""
    rho = radius_mm * np.sqrt((np.arange(rings) + 0.5) / rings)
    theta = 2.0 * np.pi * (np.arange(spokes) + 0.5) / spokes
    x = centre_x_mm + rho[:, None] * np.cos(theta)[None, :]
    z = centre_z_mm + rho[:, None] * np.sin(theta)[None, :]
    return x.ravel(), z.ravel()


def _rim_points(
    centre_x_mm: float, centre_z_mm: float, radius_mm: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    theta = 2.0 * np.pi * np.arange(RIM_POINTS) / RIM_POINTS
    return centre_x_mm + radius_mm * np.cos(theta), centre_z_mm + radius_mm * np.sin(theta)


def check_nerve_geometry(
    field: RZField, nerve_depth_mm: float, nerve_diameter_mm: float, offset_mm: float
) -> None:
    """ValueError unless the nerve lies under the skin and inside the usable grid."""
    depth = require_positive("nerve_depth_mm", nerve_depth_mm)
    radius = require_positive("nerve_diameter_mm", nerve_diameter_mm) / 2.0
    offset = float(offset_mm)
    if not np.isfinite(offset):
        raise BadInputError("offset_mm", offset_mm, "must be a finite number")
    if depth - radius < 0.0:
        raise ValueError(
            f"nerve_depth_mm = {depth:g} with nerve_diameter_mm = {2 * radius:g}: the nerve's "
            f"top would be at z = {depth - radius:g} mm, above the skin; the depth is to the "
            "nerve's centre and must be at least half the diameter"
        )
    if depth + radius > field.max_z_mm:
        raise BadInputError(
            "nerve_depth_mm",
            f"{depth:g}",
            f"the nerve reaches z = {depth + radius:g} mm but the transport grid is usable "
            f"only to z = {field.max_z_mm:g} mm (the last z bin collects everything "
            "deeper); rerun the transport with a deeper grid (nz x dz_mm)",
        )
    if abs(offset) + radius > field.max_r_mm:
        raise BadInputError(
            "offset_mm",
            f"{offset:g}",
            f"the nerve reaches r = {abs(offset) + radius:g} mm but the transport grid is "
            f"usable only to r = {field.max_r_mm:g} mm (the last r bin collects everything "
            "beyond); rerun the transport with a wider grid (nr x dr_mm)",
        )


def cross_section_fluence_rate(
    dataset: xr.Dataset,
    nerve_depth_mm: float,
    nerve_diameter_mm: float,
    offset_mm: float = 0.0,
) -> CrossSection:
    """Mean, minimum and error of the fluence rate over the nerve's cross-section at y = 0."""
    return field_cross_section(RZField.from_dataset(dataset), nerve_depth_mm, nerve_diameter_mm,
                               offset_mm)  # fmt: skip


def field_cross_section(
    field: RZField, nerve_depth_mm: float, nerve_diameter_mm: float, offset_mm: float = 0.0
) -> CrossSection:
    """`cross_section_fluence_rate` of a field already taken from its result."""
    check_nerve_geometry(field, nerve_depth_mm, nerve_diameter_mm, offset_mm)
    radius = nerve_diameter_mm / 2.0
    x, z = _disc_points(
        offset_mm, nerve_depth_mm, radius, CROSS_SECTION_RINGS, CROSS_SECTION_SPOKES
    )
    rim_x, rim_z = _rim_points(offset_mm, nerve_depth_mm, radius)
    inside = field.interpolate(np.abs(x), z)
    rim = field.interpolate(np.abs(rim_x), rim_z)
    se = None
    if field.standard_error is not None:
        se = float(field.interpolate(np.abs(x), z, standard_error=True).mean())
    return CrossSection(
        mean_per_mm2=float(inside.mean()),
        min_per_mm2=float(min(inside.min(), rim.min())),
        mean_se_per_mm2=se,
    )


def nerve_profile(
    dataset: xr.Dataset,
    nerve_depth_mm: float,
    nerve_diameter_mm: float,
    offset_mm: float = 0.0,
    step_mm: float | None = None,
) -> xr.DataArray:
    """Cross-section mean fluence rate (W/mm^2 per W) along the nerve, y_mm >= 0.

    The profile is symmetric in y. It runs from the beam's crossing (y = 0) to where the
    nerve leaves the usable grid, sqrt(r_max^2 - (|x0| + D/2)^2), in steps of `step_mm`
    (default half a radial bin).
    """
    field = RZField.from_dataset(dataset)
    check_nerve_geometry(field, nerve_depth_mm, nerve_diameter_mm, offset_mm)
    radius = nerve_diameter_mm / 2.0
    step = require_positive("step_mm", step_mm) if step_mm is not None else field.dr_mm / 2.0
    y_end = float(np.sqrt(max(field.max_r_mm**2 - (abs(offset_mm) + radius) ** 2, 0.0)))
    y = np.append(np.arange(0.0, y_end, step), y_end)
    x, z = _disc_points(offset_mm, nerve_depth_mm, radius, PROFILE_RINGS, PROFILE_SPOKES)
    r = np.sqrt(x[None, :] ** 2 + y[:, None] ** 2)
    values = field.interpolate(r, z[None, :]).mean(axis=1)
    return xr.DataArray(
        values,
        coords={"y_mm": ("y_mm", y, {"units": "mm"})},
        dims="y_mm",
        name="nerve_fluence_rate_per_mm2",
        attrs={"units": "W/mm^2 per W delivered", "quantity": "cross-section mean fluence rate"},
    )


def fluence_J_per_cm2(rate_per_mm2: float, power_W: float, duration_s: float) -> float:
    """Fluence from a per-watt fluence rate: rate (W/mm^2 per W) x P x t, in J/cm^2."""
    rate = require_non_negative("rate_per_mm2", rate_per_mm2)
    power = require_non_negative("power_W", power_W)
    duration = require_non_negative("duration_s", duration_s)
    return rate * power * duration * MM2_PER_CM2


@dataclass(frozen=True)
class LengthInWindow:
    length_mm: float
    """Length of nerve (both sides of the beam) whose cross-section mean fluence lies in
    the window."""
    reaches_grid_edge: bool
    """True when the fluence is still inside the window where the profile ends: the length
    is then a lower bound."""


def length_in_window(
    y_mm: NDArray[np.float64], fluence: NDArray[np.float64], lower: float, upper: float
) -> LengthInWindow:
    """Length of nerve with lower <= fluence <= upper, from a profile over y >= 0.

    The fluence is taken linear between samples; each segment contributes the part of it
    where the line lies in the window, and the total is doubled for the two sides.
    """
    y = np.asarray(y_mm, dtype=float)
    f = np.asarray(fluence, dtype=float)
    if y.ndim != 1 or y.shape != f.shape or y.size < 2:
        raise ValueError("y_mm and fluence must be 1-D arrays of the same length (>= 2)")
    f0, f1, width = f[:-1], f[1:], np.diff(y)
    slope = f1 - f0
    flat = slope == 0.0
    safe = np.where(flat, 1.0, slope)
    t_lower = (lower - f0) / safe
    t_upper = (upper - f0) / safe
    start = np.clip(np.minimum(t_lower, t_upper), 0.0, 1.0)
    end = np.clip(np.maximum(t_lower, t_upper), 0.0, 1.0)
    fraction = np.where(flat, ((f0 >= lower) & (f0 <= upper)).astype(float), end - start)
    return LengthInWindow(
        length_mm=float(2.0 * np.sum(fraction * width)),
        reaches_grid_edge=bool(lower <= f[-1] <= upper),
    )
