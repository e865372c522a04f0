"""Fluence at a nerve: cross-section mean and minimum, profile along the nerve, geometry
errors, and the labelled NerveDose."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dose_fields import synthetic_result
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import dblquad

from photodose.dose import DoseWindow, dose_at_nerve
from photodose.dose.nerve import (
    cross_section_fluence_rate,
    fluence_J_per_cm2,
    length_in_window,
    nerve_profile,
)
from photodose.specs import Beam

MU_PER_MM = 0.3
SPREAD_MM = 6.0


def analytic(r: np.ndarray, z: np.ndarray) -> np.ndarray:
    """exp(-mu z) exp(-r^2 / s^2), W/mm^2 per W: a beam-like field with known integrals."""
    return np.exp(-MU_PER_MM * z) * np.exp(-(r * r) / SPREAD_MM**2)


FINE = synthetic_result(analytic, dr_mm=0.05, dz_mm=0.05, nr=401, nz=401)


def disc_mean_by_quadrature(depth: float, diameter: float, offset: float) -> float:
    """Independent reference: adaptive 2-D quadrature of the analytic field over the disc."""
    a = diameter / 2.0

    def integrand(z: float, x: float) -> float:
        return float(analytic(np.abs(np.array(x)), np.array(z)))

    total, _ = dblquad(
        integrand,
        offset - a,
        offset + a,
        lambda x: depth - math.sqrt(max(a * a - (x - offset) ** 2, 0.0)),
        lambda x: depth + math.sqrt(max(a * a - (x - offset) ** 2, 0.0)),
        epsabs=0.0,
        epsrel=1e-10,
    )
    return total / (math.pi * a * a)


@pytest.mark.parametrize(
    ("depth", "diameter", "offset"), [(5.0, 3.0, 0.0), (4.0, 2.0, 3.5), (8.0, 6.0, -1.0)]
)
def test_cross_section_mean_matches_independent_integral(
    depth: float, diameter: float, offset: float
) -> None:
    """Bilinear interpolation on a 0.05 mm grid plus the equal-area midpoint rule agree
    with dblquad of the analytic field to 0.01 % (measured: about 1e-5); the overflow
    bins (1e6) are not used."""
    section = cross_section_fluence_rate(FINE, depth, diameter, offset)
    assert section.mean_per_mm2 == pytest.approx(
        disc_mean_by_quadrature(depth, diameter, offset), rel=1e-4
    )


def test_cross_section_minimum_is_the_far_deep_edge() -> None:
    """The field falls with z and with r, so with x0 >= 0 the minimum lies on the rim,
    found here by dense sampling of the analytic field."""
    depth, diameter, offset = 5.0, 3.0, 1.0
    theta = np.linspace(0.0, 2 * np.pi, 20001)
    rim = analytic(np.abs(offset + 1.5 * np.cos(theta)), depth + 1.5 * np.sin(theta))
    section = cross_section_fluence_rate(FINE, depth, diameter, offset)
    assert section.min_per_mm2 == pytest.approx(rim.min(), rel=1e-3)
    assert section.min_per_mm2 < section.mean_per_mm2


def test_profile_along_nerve_decays_like_the_field() -> None:
    """A thin nerve on the axis: the cross-section mean at y is ~ exp(-y^2/s^2) of y = 0."""
    profile = nerve_profile(FINE, 5.0, 0.2, 0.0, step_mm=0.5)
    y = profile["y_mm"].values
    ratio = profile.values / profile.values[0]
    near = y <= 10.0
    assert ratio[near] == pytest.approx(np.exp(-(y[near] ** 2) / SPREAD_MM**2), rel=2e-3)
    assert y[-1] == pytest.approx(math.sqrt(FINE.r_mm.values[-2] ** 2 - 0.1**2))


def test_length_in_window_of_a_linear_profile() -> None:
    """f(y) = 10 - y on [0, 10]: inside [2, 5] for 5 <= y <= 8, 3 mm each side."""
    y = np.linspace(0.0, 10.0, 7)
    result = length_in_window(y, 10.0 - y, 2.0, 5.0)
    assert result.length_mm == pytest.approx(6.0)
    assert not result.reaches_grid_edge
    flat = length_in_window(y, np.full_like(y, 3.0), 2.0, 5.0)
    assert flat.length_mm == pytest.approx(20.0)
    assert flat.reaches_grid_edge


def test_fluence_unit_conversion() -> None:
    """1e-3 W/mm^2 per W x 2 W x 100 s = 0.2 J/mm^2 = 20 J/cm^2."""
    assert fluence_J_per_cm2(1e-3, 2.0, 100.0) == pytest.approx(20.0)


COARSE_BEAM = Beam(profile="flat_top", radius_mm=10.0)
COARSE = synthetic_result(analytic, dr_mm=0.2, dz_mm=0.2, nr=101, nz=101, beam=COARSE_BEAM)


@pytest.mark.parametrize(
    ("depth", "diameter", "offset", "fragment"),
    [
        (19.5, 2.0, 0.0, "usable only to z"),
        (5.0, 2.0, 19.5, "usable only to r"),
        (0.5, 2.0, 0.0, "above the skin"),
        (-1.0, 2.0, 0.0, "nerve_depth_mm"),
        (5.0, 0.0, 0.0, "nerve_diameter_mm"),
        (5.0, 2.0, float("nan"), "offset_mm"),
    ],
)
def test_nerve_outside_the_grid_is_a_named_error(
    depth: float, diameter: float, offset: float, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        dose_at_nerve(COARSE, 1.0, 60.0, COARSE_BEAM, depth, diameter, offset)


def test_missing_fluence_variable_is_named() -> None:
    with pytest.raises(ValueError, match="fluence_rate_rz_per_mm2"):
        dose_at_nerve(COARSE.drop_vars("fluence_rate_rz_per_mm2"), 1.0, 60.0, COARSE_BEAM, 5, 2)


def test_beam_must_match_the_transport_result() -> None:
    with pytest.raises(ValueError, match="computed for a flat_top beam of radius 10"):
        dose_at_nerve(COARSE, 1.0, 60.0, Beam(profile="flat_top", radius_mm=5.0), 5.0, 2.0)


def test_nerve_dose_numbers_fit_together() -> None:
    """A uniform field F0 under a flat top of radius R: the nerve gets F0 P t (J/mm^2),
    the fraction of surface irradiance is F0 pi R^2, and the whole nerve inside the grid
    is in the window when the fluence is."""
    f0 = 2.0e-3
    beam = Beam(profile="flat_top", radius_mm=10.0)
    uniform = synthetic_result(lambda r, z: f0 + 0 * r * z, 0.2, 0.2, 101, 101, beam=beam)
    dose = dose_at_nerve(uniform, 0.5, 30.0, beam, 5.0, 2.0, window=DoseWindow())
    assert dose.target_fluence_J_per_cm2 == pytest.approx(f0 * 0.5 * 30.0 * 100.0)
    assert dose.target_fluence_min_J_per_cm2 == pytest.approx(dose.target_fluence_J_per_cm2)
    assert dose.target_fluence_se_J_per_cm2 == pytest.approx(0.01 * dose.target_fluence_J_per_cm2)
    assert dose.fraction_of_surface_irradiance == pytest.approx(f0 * math.pi * 100.0)
    assert dose.surface_dose_J_per_cm2 == pytest.approx(
        dose.peak_irradiance_mW_per_cm2 * 30.0 / 1000.0
    )
    assert dose.window_class.position == "inside"  # 3 J/cm^2
    usable_r = uniform.r_mm.values[-2]
    assert dose.nerve_length_in_window_mm == pytest.approx(2 * math.sqrt(usable_r**2 - 1.0))
    assert dose.length_reaches_grid_edge
    assert dose.absorbed_energy_by_layer_J == (("layer1", 0.3 * 15.0), ("layer2", 0.2 * 15.0))


@settings(max_examples=25, deadline=None)
@given(
    power=st.floats(min_value=1e-3, max_value=20.0),
    duration=st.floats(min_value=0.1, max_value=3600.0),
    k=st.floats(min_value=0.05, max_value=20.0),
)
def test_dose_is_linear_in_power_and_time(power: float, duration: float, k: float) -> None:
    base = dose_at_nerve(COARSE, power, duration, COARSE_BEAM, 6.0, 3.0, 1.0)
    more_power = dose_at_nerve(COARSE, k * power, duration, COARSE_BEAM, 6.0, 3.0, 1.0)
    more_time = dose_at_nerve(COARSE, power, k * duration, COARSE_BEAM, 6.0, 3.0, 1.0)
    for scaled in (more_power, more_time):
        assert scaled.target_fluence_J_per_cm2 == pytest.approx(k * base.target_fluence_J_per_cm2)
        assert scaled.target_fluence_min_J_per_cm2 == pytest.approx(
            k * base.target_fluence_min_J_per_cm2
        )
        assert scaled.surface_dose_J_per_cm2 == pytest.approx(k * base.surface_dose_J_per_cm2)
        assert scaled.energy_per_point_J == pytest.approx(k * base.energy_per_point_J)
        for (_, e_scaled), (_, e_base) in zip(
            scaled.absorbed_energy_by_layer_J, base.absorbed_energy_by_layer_J, strict=True
        ):
            assert e_scaled == pytest.approx(k * e_base)
    assert more_power.fraction_of_surface_irradiance == pytest.approx(
        base.fraction_of_surface_irradiance
    )
