"""The curves a plan carries so that it stands on its own: the light along the beam axis,
the penetration depths, and the temperatures during one spot. Computed once, when the
plan is made; a report or a web page only reads them (plain numbers, saved with the plan).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from photodose.dose.depth import PenetrationDepths, axial_fluence_rate
from photodose.planning.search import ThermalResponse
from photodose.specs import Spec
from photodose.units import MM2_PER_CM2, PERCENT_PER_FRACTION

# The levels the report shows, as fractions of the incident irradiance.
DEPTH_LEVELS = (0.1, 0.01, 0.001)


class AxialProfile(Spec):
    """Fluence on the beam axis (the mean over r < axis_radius_mm) against depth, at the
    plan's power and time per spot. The last transport bin (overflow) is left out."""

    axis_radius_mm: float
    depth_mm: tuple[float, ...]
    """Depth-bin centres, mm."""
    fluence_J_per_cm2: tuple[float, ...]
    percent_of_incident: tuple[float, ...]
    """Fluence rate as % of the incident irradiance averaged over the same disc."""
    incident_fluence_J_per_cm2: float
    """Incident irradiance x time over the same disc (the 100 % of the right axis)."""

    @property
    def deepest_depth_mm(self) -> float:
        return self.depth_mm[-1]


class PenetrationLevel(Spec):
    """Where the on-axis fluence falls to `level` of the incident irradiance."""

    level: float
    depth_mm: float | None
    reason: str = ""
    """Why depth_mm is None ("" when found)."""


class TemperatureCurve(Spec):
    """Temperatures at the plan's power from the start to the end of one spot, C."""

    time_s: tuple[float, ...]
    surface_C: tuple[float, ...]
    """Skin surface at the beam centre."""
    hottest_C: tuple[float, ...]
    """Hottest point on the beam axis (the skin surface included)."""
    hottest_depth_mm: float
    """Where the axis is hottest at the last thermal step of the spot (0 = the surface)."""


def axial_profile(
    light: xr.Dataset, depths: PenetrationDepths, power_W: float, time_s: float
) -> AxialProfile:
    axial = axial_fluence_rate(light)
    exposure_J = power_W * time_s
    incident = depths.incident_irradiance_per_mm2
    return AxialProfile(
        axis_radius_mm=depths.axis_radius_mm,
        depth_mm=tuple(float(z) for z in axial["z_mm"].values),
        fluence_J_per_cm2=tuple(float(v) for v in axial.values * exposure_J * MM2_PER_CM2),
        percent_of_incident=tuple(
            float(v) for v in PERCENT_PER_FRACTION * axial.values / incident
        ),
        incident_fluence_J_per_cm2=float(incident * exposure_J * MM2_PER_CM2),
    )


def penetration_levels(depths: PenetrationDepths) -> tuple[PenetrationLevel, ...]:
    levels = []
    for level in DEPTH_LEVELS:
        crossing = next(
            c
            for c in depths.crossings
            if c.reference == "incident" and np.isclose(c.level, level)
        )
        levels.append(
            PenetrationLevel(level=level, depth_mm=crossing.depth_mm, reason=crossing.reason or "")
        )
    return tuple(levels)


def temperature_curve(
    response: ThermalResponse, heating: xr.Dataset, power_W: float, time_s: float
) -> TemperatureCurve:
    """Skin surface and hottest axis temperature from the start to the end of one spot.

    The planner's thermal response holds the rise per watt on the axis (the skin surface
    first, then the axis bins); Pennes' equation with fixed perfusion is linear in power,
    so at power P the temperature is baseline + P x rise. The curves are read through the
    response's own `peak_C`, so they end at the peak the plan reports; while the light is
    on the tissue only warms, so the hottest value reached so far is the current one."""
    end_s = min(time_s, float(response.time_s[-1]))
    steps = response.time_s < end_s
    times = np.append(response.time_s[steps], end_s) if end_s > 0.0 else response.time_s[:1]
    surface = ThermalResponse(response.time_s, response.baseline_C[:1], response.rise_per_W[:, :1])
    last_step = response.baseline_C + power_W * response.rise_per_W[max(steps.sum() - 1, 0)]
    depths = np.concatenate(([0.0], heating["z_mm"].values))
    return TemperatureCurve(
        time_s=tuple(float(t) for t in times),
        surface_C=tuple(float(t) for t in surface.peak_C(power_W, times)),
        hottest_C=tuple(float(t) for t in response.peak_C(power_W, times)),
        hottest_depth_mm=float(depths[int(np.argmax(last_step))]),
    )
