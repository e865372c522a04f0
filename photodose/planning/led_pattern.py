"""An LED pad as what it is: a grid of emitters, not a flat disc.

The planner's dose search uses the pad's mean irradiance over its area (a flat-top disc
of the same area and power, photodose.planning.light). This module resolves the pattern:
one pencil-beam transport solution per wavelength (fast path), convolved with one LED's
irradiance at the skin (the device model) and summed over the LEDs
(photodose.dose.emitter_array), gives the irradiance, the fluence at the nerve and the
skin temperature under the central diode and between diodes. Pennes' equation with fixed
perfusion is linear and the layers are laterally invariant, so the skin's temperature
rise is likewise one LED's rise summed over the LEDs.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import xarray as xr
from pydantic import Field

from photodose.devices.device import MW_PER_CM2_PER_W_PER_MM2, Device
from photodose.dose.emitter_array import array_sum, single_emitter_field
from photodose.planning.light import _combine, emission_samples
from photodose.specs import Beam, Grid, Simulation, Spec
from photodose.specs import result as schema
from photodose.thermal import heat_from_transport
from photodose.thermal.conditions import ThermalConditions
from photodose.tissue.site import Site
from photodose.transport.diffusion_layered import diffuse

# Lateral reach of one LED's field: its irradiance 40 mm away is below 1e-5 of the peak
# for the shipped pads (stand-off 3 mm, Lambertian: E ~ d^2 / (r^2 + d^2)^2).
REACH_MM = 40.0
DR_MM = 0.5
J_PER_CM2_PER_J_PER_MM2 = 100.0


class LedPattern(Spec):
    """Under the diode nearest the pad's centre and at the centre of the cell between it
    and its neighbours. Irradiance mW/cm^2, fluence J/cm^2 (over one spot), C."""

    under_xy_mm: tuple[float, float]
    between_xy_mm: tuple[float, float]
    under_irradiance_mW_per_cm2: float
    between_irradiance_mW_per_cm2: float
    under_nerve_fluence_J_per_cm2: float
    between_nerve_fluence_J_per_cm2: float
    under_skin_C: float
    between_skin_C: float
    emitters: int = Field(ge=1)


def led_pattern(
    site: Site,
    device: Device,
    skin_type: int,
    *,
    power_fraction: float,
    time_s: float,
    conditions: ThermalConditions,
    skin_start_C: float,
) -> LedPattern:
    array = device.led_array
    if array is None:
        raise ValueError(f"device {device.name!r} is not an LED array")
    field = _single_led_field(site.model_dump_json(), device.model_dump_json(), skin_type)
    xs, ys = array.emitter_positions_mm()
    emitters = np.column_stack([xs, ys])
    centre = int(np.argmin(np.hypot(xs, ys)))
    under = emitters[centre]
    between = under + array.pitch_mm / 2.0
    if array.positions_mm is not None or array.element_count == 1:
        # explicit layouts: halfway to the nearest other LED
        others = np.delete(emitters, centre, axis=0)
        nearest = others[np.argmin(np.hypot(*(others - under).T))] if len(others) else under
        between = (under + nearest) / 2.0
    points = np.vstack([under, between])
    watts = array.element_power_W * power_fraction
    irradiance = device.irradiance_at_skin_mW_per_cm2(points[:, 0], points[:, 1]) * power_fraction
    r = field["r_mm"].values[:-1]
    z = field["z_mm"].values[:-1]
    rate = field[schema.FLUENCE_RATE_RZ].transpose("r_mm", "z_mm").values[:-1, :-1]
    in_nerve = np.abs(z - site.nerve.depth_mm) <= max(site.nerve.radius_mm, DR_MM / 2)
    per_point = array_sum(r, rate[:, in_nerve], emitters, points).mean(axis=1)
    nerve_J_per_cm2 = per_point * watts * time_s * J_PER_CM2_PER_J_PER_MM2
    heating = heat_from_transport(
        field, [layer.tissue for layer in site.layers], power_W=1.0, duration_s=time_s,
        cooling_s=0.0, conditions=conditions, padding_mm=60.0, ramp_levels=2,
        dt_max_s=min(15.0, time_s / 20.0),
    )  # fmt: skip
    surface = heating["surface_temperature_rt_C"].values
    rise = surface.max(axis=0) - surface[0]
    skin = skin_start_C + array_sum(heating["r_mm"].values, rise, emitters, points) * watts
    return LedPattern(
        under_xy_mm=(float(under[0]), float(under[1])),
        between_xy_mm=(float(between[0]), float(between[1])),
        under_irradiance_mW_per_cm2=float(irradiance[0]),
        between_irradiance_mW_per_cm2=float(irradiance[1]),
        under_nerve_fluence_J_per_cm2=float(nerve_J_per_cm2[0]),
        between_nerve_fluence_J_per_cm2=float(nerve_J_per_cm2[1]),
        under_skin_C=float(skin[0]),
        between_skin_C=float(skin[1]),
        emitters=int(emitters.shape[0]),
    )


def pencil_grid(site: Site) -> Grid:
    depth_mm = min(site.thickness_mm, site.nerve.depth_mm + site.nerve.diameter_mm + 10.0)
    dz = 0.25 if depth_mm <= 40.0 else 0.5
    return Grid(dr_mm=DR_MM, dz_mm=dz, nr=int(math.ceil(REACH_MM / DR_MM)) + 1,
                nz=int(math.ceil(depth_mm / dz)) + 1)  # fmt: skip


@lru_cache(maxsize=16)
def _single_led_field(site_json: str, device_json: str, skin_type: int) -> xr.Dataset:
    """One LED's field per W emitted, spectrum-weighted (fast path)."""
    site = Site.model_validate_json(site_json)
    device = Device.model_validate_json(device_json)
    array = device.led_array
    assert array is not None
    one = array.model_copy(update={"rows": 1, "cols": 1, "positions_mm": None,
                                   "element_power_W": 1.0})  # fmt: skip

    def irradiance(r_mm: np.ndarray) -> np.ndarray:
        return one.irradiance_W_per_mm2(r_mm, np.zeros_like(r_mm))

    grid = pencil_grid(site)
    wavelengths, weights = emission_samples(device)
    fields = [
        single_emitter_field(diffuse(Simulation(
            stack=site.stack(float(wl), skin_type=skin_type), beam=Beam(), grid=grid,
            wavelength_nm=float(wl))), irradiance)
        for wl in wavelengths
    ]  # fmt: skip
    return _combine(fields, weights)


__all__ = ["MW_PER_CM2_PER_W_PER_MM2", "LedPattern", "led_pattern"]
