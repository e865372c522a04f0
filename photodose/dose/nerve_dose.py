"""The labelled dose for one exposure: at the skin, at the nerve, per layer, and the window."""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

from photodose.dose.layers import absorbed_energy_by_layer_J
from photodose.dose.nerve import (
    cross_section_fluence_rate,
    fluence_J_per_cm2,
    length_in_window,
    nerve_profile,
)
from photodose.dose.result_metadata import check_beam, wavelength_of
from photodose.dose.surface import (
    MM2_PER_CM2,
    MW_PER_W,
    energy_per_point_J,
    mean_irradiance_mW_per_cm2,
    peak_irradiance_mW_per_cm2,
    peak_irradiance_per_mm2,
    surface_dose_J_per_cm2,
)
from photodose.dose.validation import require_non_negative
from photodose.dose.window import DoseWindow, WindowClass
from photodose.specs import Beam


@dataclass(frozen=True)
class NerveDose:
    """Every number of one exposure, units in the names. 'surface' quantities are at the
    skin (irradiance x time); 'target' quantities are at the nerve (from transport)."""

    power_W: float
    duration_s: float
    beam: Beam
    wavelength_nm: float | None
    """The result's wavelength; None for a spectral combination or when not recorded."""
    # at the skin
    peak_irradiance_mW_per_cm2: float
    mean_irradiance_mW_per_cm2: float
    """Power inside the beam radius over that disc's area (equals the peak for a flat top)."""
    surface_dose_J_per_cm2: float
    """Peak irradiance x time: the 'energy density' protocols quote."""
    surface_dose_mean_J_per_cm2: float
    energy_per_point_J: float
    # at the nerve
    nerve_depth_mm: float
    nerve_diameter_mm: float
    offset_mm: float
    target_fluence_rate_mW_per_cm2: float
    """Mean over the nerve's cross-section under the beam."""
    target_fluence_rate_min_mW_per_cm2: float
    target_fluence_J_per_cm2: float
    """Mean fluence over the nerve's cross-section: what the window is compared with."""
    target_fluence_min_J_per_cm2: float
    target_fluence_se_J_per_cm2: float | None
    """Upper bound of the Monte Carlo standard error of target_fluence_J_per_cm2."""
    fraction_of_surface_irradiance: float
    """Mean fluence rate at the nerve / peak incident irradiance (> 1 is possible just
    under the skin, where backscattered light adds to the incident light)."""
    # the window
    window: DoseWindow
    window_class: WindowClass
    """Where target_fluence_J_per_cm2 lies against the window."""
    window_class_min: WindowClass
    """Where target_fluence_min_J_per_cm2 lies against the window."""
    nerve_length_in_window_mm: float
    """Length of nerve (both sides of the beam) whose cross-section mean fluence is in
    the window."""
    length_reaches_grid_edge: bool
    """True if the fluence is still in the window where the grid ends (length is a lower
    bound)."""
    # per layer
    absorbed_energy_by_layer_J: tuple[tuple[str, float], ...]


def dose_at_nerve(
    dataset: xr.Dataset,
    power_W: float,
    duration_s: float,
    beam: Beam,
    nerve_depth_mm: float,
    nerve_diameter_mm: float,
    offset_mm: float = 0.0,
    window: DoseWindow | None = None,
) -> NerveDose:
    """Dose of one exposure at the skin and at a nerve, from a transport result.

    `dataset`: a transport result per watt delivered (photodose.simulate, or a spectral
    combination from photodose.dose.spectral); `beam`: the beam it was computed for
    (checked against the result's record); the nerve: centre depth and diameter, crossing
    under the beam at lateral `offset_mm`; `window`: target fluence window (default
    DoseWindow(), 1-10 J/cm^2, an assumption; see photodose.dose.window).
    """
    window = window if window is not None else DoseWindow()
    power = require_non_negative("power_W", power_W)
    duration = require_non_negative("duration_s", duration_s)
    check_beam(dataset, beam)
    peak = peak_irradiance_mW_per_cm2(power, beam)
    mean = mean_irradiance_mW_per_cm2(power, beam)
    section = cross_section_fluence_rate(dataset, nerve_depth_mm, nerve_diameter_mm, offset_mm)
    target = fluence_J_per_cm2(section.mean_per_mm2, power, duration)
    target_min = fluence_J_per_cm2(section.min_per_mm2, power, duration)
    target_se = (
        fluence_J_per_cm2(section.mean_se_per_mm2, power, duration)
        if section.mean_se_per_mm2 is not None
        else None
    )
    profile = nerve_profile(dataset, nerve_depth_mm, nerve_diameter_mm, offset_mm)
    along = length_in_window(
        profile["y_mm"].values,
        profile.values * power * duration * MM2_PER_CM2,
        window.lower_J_per_cm2,
        window.upper_J_per_cm2,
    )
    layers = absorbed_energy_by_layer_J(dataset, power, duration)["absorbed_energy_J"]
    names = layers["layer_name"].values if "layer_name" in layers.coords else layers["layer"].values
    to_mW_per_cm2 = power * MM2_PER_CM2 * MW_PER_W
    return NerveDose(
        power_W=power,
        duration_s=duration,
        beam=beam,
        wavelength_nm=wavelength_of(dataset),
        peak_irradiance_mW_per_cm2=peak,
        mean_irradiance_mW_per_cm2=mean,
        surface_dose_J_per_cm2=surface_dose_J_per_cm2(peak, duration),
        surface_dose_mean_J_per_cm2=surface_dose_J_per_cm2(mean, duration),
        energy_per_point_J=energy_per_point_J(power, duration),
        nerve_depth_mm=float(nerve_depth_mm),
        nerve_diameter_mm=float(nerve_diameter_mm),
        offset_mm=float(offset_mm),
        target_fluence_rate_mW_per_cm2=section.mean_per_mm2 * to_mW_per_cm2,
        target_fluence_rate_min_mW_per_cm2=section.min_per_mm2 * to_mW_per_cm2,
        target_fluence_J_per_cm2=target,
        target_fluence_min_J_per_cm2=target_min,
        target_fluence_se_J_per_cm2=target_se,
        fraction_of_surface_irradiance=section.mean_per_mm2 / peak_irradiance_per_mm2(beam),
        window=window,
        window_class=window.classify(target),
        window_class_min=window.classify(target_min),
        nerve_length_in_window_mm=along.length_mm,
        length_reaches_grid_edge=along.reaches_grid_edge,
        absorbed_energy_by_layer_J=tuple(
            (str(name), float(value)) for name, value in zip(names, layers.values, strict=True)
        ),
    )
