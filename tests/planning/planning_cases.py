"""Devices built for the planner's tests, and a direct thermal re-check of a plan."""

from __future__ import annotations

import numpy as np

from photodose.devices.device import Device
from photodose.planning import Plan
from photodose.planning.plan import SKIN_TISSUES
from photodose.thermal import heat_from_transport

# 10 W at 980 nm on a 2 mm flat-top spot (8 W/cm^2): the skin reaches any limit within
# seconds at rated power, so the temperature limit sets the power.
HOT_PROBE = Device(
    name="test-hot-980nm-10W",
    title="10 W 980 nm probe on a 2 mm spot (test device)",
    kind="laser_probe",
    power_W=10.0,
    emission={"kind": "laser", "peak_nm": 980.0, "fwhm_nm": 0.0},
    probe={"beam": {"profile": "flat_top", "radius_mm": 2.0}},
    source="test device, not a product",
)

# 2 mW of red light: on the plantar heel no time per spot reaches the window.
TINY_RED_PROBE = Device(
    name="test-tiny-red-630nm",
    title="2 mW 630 nm probe (test device)",
    kind="laser_probe",
    power_W=0.002,
    emission={"kind": "laser", "peak_nm": 630.0, "fwhm_nm": 0.0},
    probe={"beam": {"profile": "flat_top", "radius_mm": 3.0}},
    source="test device, not a product",
)


def directly_solved_peaks_C(plan: Plan) -> tuple[float, float]:
    """Hottest skin (face and skin layers) and hottest tissue on the beam axis from a
    thermal solve at the plan's own power and time, with steps much finer than the
    planner's (which reads every setting off one solution at 1 W over the longest allowed
    time)."""
    request = plan.request
    site = request.site.for_patient(request.patient)
    heating = heat_from_transport(
        plan.details.light,
        [layer.tissue for layer in site.layers],
        power_W=plan.power_W,
        duration_s=plan.time_per_spot_s,
        cooling_s=0.0,
        conditions=request.thermal_conditions,
        dt_max_s=min(plan.time_per_spot_s / 40.0, 5.0),
        padding_mm=60.0,
    )
    # the tissue stack only: the thermal padding below it is no tissue of the plan
    axis = heating["temperature_C"].values[:, heating["z_mm"].values < site.thickness_mm]
    surface = float(heating["peak_surface_temperature_C"])
    is_skin = np.array([layer.tissue in SKIN_TISSUES for layer in site.layers])
    inside = heating["z_mm"].values < site.thickness_mm
    cells = is_skin[np.minimum(heating["layer_index"].values[inside], len(site.layers)) - 1]
    skin = max(surface, float(axis[:, cells].max())) if cells.any() else surface
    return skin, max(surface, float(axis.max()))
