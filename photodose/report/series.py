"""The data series the report shows over time: temperatures during one spot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photodose.planning.plan import Plan
from photodose.planning.search import ThermalResponse


@dataclass(frozen=True)
class TemperatureCurves:
    """Temperatures at the plan's power during one spot (baseline + P x rise per W)."""

    time_s: np.ndarray
    surface_C: np.ndarray
    hottest_C: np.ndarray
    """Hottest point on the beam axis (the skin surface included)."""
    hottest_depth_mm: float
    """Where the axis is hottest at the last thermal step of the spot (0 = the surface)."""


def temperature_curves(plan: Plan) -> TemperatureCurves:
    """Skin surface and hottest axis temperature from the start to the end of one spot.

    The planner's thermal response holds the rise per watt on the axis (the skin surface
    first, then the axis bins); Pennes' equation with fixed perfusion is linear in power,
    so at power P the temperature is baseline + P x rise. The curves are read through the
    response's own `peak_C`, so they end at the peak the plan reports; while the light is
    on the tissue only warms, so the hottest value reached so far is the current one."""
    response = plan.details.response
    end_s = min(plan.time_per_spot_s, float(response.time_s[-1]))
    steps = response.time_s < end_s
    times = np.append(response.time_s[steps], end_s) if end_s > 0.0 else response.time_s[:1]
    surface = ThermalResponse(response.time_s, response.baseline_C[:1], response.rise_per_W[:, :1])
    last_step = response.baseline_C + plan.power_W * response.rise_per_W[max(steps.sum() - 1, 0)]
    depths = plan.details.response_depths_mm
    return TemperatureCurves(
        time_s=times,
        surface_C=surface.peak_C(plan.power_W, times),
        hottest_C=response.peak_C(plan.power_W, times),
        hottest_depth_mm=float(depths[int(np.argmax(last_step))]),
    )
