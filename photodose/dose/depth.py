"""How deep the light goes: depths where the on-axis fluence rate falls to 10 %, 1 %, 0.1 %.

The on-axis fluence rate is the area-weighted mean over the first `axis_bins` radial
bins of the transport result (the disc r < axis_bins x dr); the result states that
radius. Each level is found against two references, reported side by side:
- 'surface': the fluence rate in the shallowest depth bin (centre dz/2);
- 'incident': the incident irradiance averaged over the same disc
  (surface.disc_mean_irradiance_per_mm2).
Just under the skin the fluence rate exceeds the incident irradiance, often several
times (about 5x in the limb run of docs/dose.md), because light scattered back from
below adds to it; so 'x % of the surface value' lies shallower than 'x % of the
irradiance'.

A level's depth is the first depth below the profile's maximum where the fluence rate
drops under it, interpolated linearly in log(fluence rate) between the two bin centres
that bracket the crossing (exact for an exponential decay). The last z bin (overflow) is
never used. When the profile does not fall that far within the grid, or the Monte Carlo
tally is empty there, the depth is None and `reason` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import xarray as xr

from photodose.dose.rz_field import RZField
from photodose.dose.surface import disc_mean_irradiance_per_mm2
from photodose.errors import BadInputError
from photodose.specs import Beam

LEVELS = (0.1, 0.01, 0.001)
DEFAULT_AXIS_BINS = 5

Reference = Literal["surface", "incident"]


@dataclass(frozen=True)
class DepthCrossing:
    level: float
    """Fraction of the reference value (0.1 = 10 %)."""
    reference: Reference
    depth_mm: float | None
    reason: str | None
    """Why depth_mm is None; None when a depth was found."""


@dataclass(frozen=True)
class PenetrationDepths:
    axis_radius_mm: float
    """The fluence rate is averaged over the disc r < axis_radius_mm (the first radial bins)."""
    surface_depth_mm: float
    """Centre of the shallowest depth bin, where the 'surface' value is read."""
    surface_fluence_rate_per_mm2: float
    incident_irradiance_per_mm2: float
    """Both per watt delivered; their ratio is the subsurface build-up from backscatter."""
    deepest_depth_mm: float
    """Centre of the deepest usable depth bin."""
    crossings: tuple[DepthCrossing, ...]

    @property
    def surface_to_incident_ratio(self) -> float:
        return self.surface_fluence_rate_per_mm2 / self.incident_irradiance_per_mm2

    def depth_mm(self, level: float, reference: Reference = "incident") -> float | None:
        """Depth of one level (None if not reached); KeyError for a level not computed."""
        for crossing in self.crossings:
            if crossing.reference == reference and np.isclose(crossing.level, level):
                return crossing.depth_mm
        raise KeyError(f"level {level} against {reference!r} was not computed")


def axial_fluence_rate(dataset: xr.Dataset, axis_bins: int = DEFAULT_AXIS_BINS) -> xr.DataArray:
    """Area-weighted mean fluence rate over the first `axis_bins` radial bins, per depth
    bin (overflow bin left out), W/mm^2 per W delivered."""
    field = RZField.from_dataset(dataset)
    bins = int(axis_bins)
    if bins < 1 or bins > field.r_mm.size:
        raise BadInputError(
            "axis_bins",
            axis_bins,
            f"must be between 1 and {field.r_mm.size} (the usable radial bins)",
        )
    # annulus i has area 2 pi (i + 1/2) dr^2 (Wang, Jacques & Zheng 1995, sec. 4)
    area = np.arange(bins) + 0.5
    values = (field.values[:bins] * area[:, None]).sum(axis=0) / area.sum()
    return xr.DataArray(
        values,
        coords={"z_mm": ("z_mm", field.z_mm, {"units": "mm"})},
        dims="z_mm",
        name="axial_fluence_rate_per_mm2",
        attrs={
            "units": "W/mm^2 per W delivered",
            "axis_radius_mm": bins * field.dr_mm,
        },
    )


def _not_found(level: float, reference: Reference, reason: str) -> DepthCrossing:
    return DepthCrossing(level=level, reference=reference, depth_mm=None, reason=reason)


def _crossing(
    z: np.ndarray, profile: np.ndarray, threshold: float, level: float, reference: Reference
) -> DepthCrossing:
    start = int(np.argmax(profile))
    below = np.nonzero(profile[start:] < threshold)[0]
    if below.size == 0:
        return _not_found(
            level,
            reference,
            f"the fluence rate stays above {level:g} of the {reference} value down to "
            f"z = {z[-1]:g} mm, the deepest usable bin; rerun with a deeper grid",
        )
    i = start + int(below[0])
    if i == start:
        return _not_found(
            level,
            reference,
            f"the on-axis fluence rate never reaches {level:g} of the {reference} value",
        )
    upper, lower = profile[i - 1], profile[i]
    if lower <= 0.0:
        return _not_found(
            level,
            reference,
            f"no photons were tallied on the axis at z = {z[i]:g} mm, where the fluence rate "
            f"falls below {level:g} of the {reference} value; run more photons or widen "
            "axis_bins",
        )
    fraction = np.log(upper / threshold) / np.log(upper / lower)
    depth = float(z[i - 1] + fraction * (z[i] - z[i - 1]))
    return DepthCrossing(level=level, reference=reference, depth_mm=depth, reason=None)


def penetration_depths(
    dataset: xr.Dataset,
    beam: Beam,
    axis_bins: int = DEFAULT_AXIS_BINS,
    levels: tuple[float, ...] = LEVELS,
) -> PenetrationDepths:
    """Depths where the on-axis fluence rate falls to each level of its surface value and
    of the incident irradiance. `beam` is the beam the transport was run with."""
    for level in levels:
        if not 0.0 < level < 1.0:
            raise ValueError(f"levels: {level!r} must lie strictly between 0 and 1")
    axial = axial_fluence_rate(dataset, axis_bins)
    z = axial["z_mm"].values
    profile = axial.values
    surface = float(profile[0])
    if surface <= 0.0:
        raise ValueError(
            "the fluence rate in the shallowest bin on the axis is 0: the transport tallied "
            "no photons there (too few photons, or a beam that misses the axis)"
        )
    incident = disc_mean_irradiance_per_mm2(beam, axial.attrs["axis_radius_mm"])
    crossings = []
    references: tuple[tuple[Reference, float], ...] = (("surface", surface), ("incident", incident))
    for reference, value in references:
        for level in levels:
            crossings.append(_crossing(z, profile, level * value, level, reference))
    return PenetrationDepths(
        axis_radius_mm=float(axial.attrs["axis_radius_mm"]),
        surface_depth_mm=float(z[0]),
        surface_fluence_rate_per_mm2=surface,
        incident_irradiance_per_mm2=incident,
        deepest_depth_mm=float(z[-1]),
        crossings=tuple(crossings),
    )
