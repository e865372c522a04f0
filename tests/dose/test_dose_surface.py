"""Irradiance, surface dose and energy per point at the skin."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

from photodose.dose.surface import (
    beam_area_cm2,
    disc_mean_irradiance_per_mm2,
    energy_per_point_J,
    mean_irradiance_mW_per_cm2,
    peak_irradiance_mW_per_cm2,
    surface_dose_J_per_cm2,
)
from photodose.specs import Beam

powers = st.floats(min_value=1e-3, max_value=50.0)
times = st.floats(min_value=1e-2, max_value=3600.0)
scales = st.floats(min_value=0.01, max_value=100.0)


def test_flat_top_surface_dose_is_irradiance_times_time() -> None:
    """0.5 W on a 5 mm radius flat top for 10 s: 5 J over pi 0.25 cm^2 = 6.366 J/cm^2,
    and the irradiance 0.5 W / 0.7854 cm^2 = 636.6 mW/cm^2."""
    beam = Beam(profile="flat_top", radius_mm=5.0)
    irradiance = peak_irradiance_mW_per_cm2(0.5, beam)
    assert irradiance == pytest.approx(500.0 / (math.pi * 0.25), rel=1e-12)
    assert mean_irradiance_mW_per_cm2(0.5, beam) == pytest.approx(irradiance, rel=1e-12)
    dose = surface_dose_J_per_cm2(irradiance, 10.0)
    assert dose == pytest.approx(irradiance * 10.0 / 1000.0, rel=1e-12)
    assert dose == pytest.approx(energy_per_point_J(0.5, 10.0) / beam_area_cm2(beam), rel=1e-12)


def test_gaussian_peak_and_disc_mean_match_integrated_profile() -> None:
    """Peak 2P/(pi w^2); the power inside radius a, integrated numerically from the
    profile, over pi a^2 is the disc mean."""
    w = 3.0
    beam = Beam(profile="gaussian", radius_mm=w)
    peak_per_mm2 = 2.0 / (math.pi * w * w)
    assert peak_irradiance_mW_per_cm2(1.0, beam) == pytest.approx(peak_per_mm2 * 1e5)
    for a in (0.5, 3.0, 7.0):
        inside, _ = quad(
            lambda r: peak_per_mm2 * math.exp(-2 * r * r / (w * w)) * 2 * math.pi * r, 0.0, a
        )
        assert disc_mean_irradiance_per_mm2(beam, a) == pytest.approx(
            inside / (math.pi * a * a), rel=1e-9
        )
    assert mean_irradiance_mW_per_cm2(1.0, beam) == pytest.approx(
        (1 - math.exp(-2)) / (math.pi * w * w) * 1e5, rel=1e-12
    )


def test_flat_top_disc_mean_beyond_the_beam_dilutes() -> None:
    beam = Beam(profile="flat_top", radius_mm=2.0)
    assert disc_mean_irradiance_per_mm2(beam, 1.0) == pytest.approx(1 / (math.pi * 4.0))
    assert disc_mean_irradiance_per_mm2(beam, 4.0) == pytest.approx(1 / (math.pi * 16.0))


@given(power=powers, duration=times, k=scales, profile=st.sampled_from(["flat_top", "gaussian"]))
def test_surface_quantities_are_linear_in_power_and_time(
    power: float, duration: float, k: float, profile: str
) -> None:
    beam = Beam(profile=profile, radius_mm=4.0)
    irradiance = peak_irradiance_mW_per_cm2(power, beam)
    assert peak_irradiance_mW_per_cm2(k * power, beam) == pytest.approx(k * irradiance)
    assert mean_irradiance_mW_per_cm2(k * power, beam) == pytest.approx(
        k * mean_irradiance_mW_per_cm2(power, beam)
    )
    dose = surface_dose_J_per_cm2(irradiance, duration)
    assert surface_dose_J_per_cm2(irradiance, k * duration) == pytest.approx(k * dose)
    assert energy_per_point_J(k * power, duration) == pytest.approx(
        k * energy_per_point_J(power, duration)
    )


def test_pencil_beam_has_no_irradiance() -> None:
    with pytest.raises(ValueError, match="pencil"):
        peak_irradiance_mW_per_cm2(1.0, Beam())
    with pytest.raises(ValueError, match="pencil"):
        mean_irradiance_mW_per_cm2(1.0, Beam())


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (
            lambda: peak_irradiance_mW_per_cm2(-1.0, Beam(profile="flat_top", radius_mm=1)),
            "power_W",
        ),
        (lambda: surface_dose_J_per_cm2(10.0, float("nan")), "duration_s"),
        (lambda: surface_dose_J_per_cm2(-1.0, 1.0), "irradiance_mW_per_cm2"),
        (lambda: energy_per_point_J(1.0, float("inf")), "duration_s"),
    ],
)
def test_bad_numbers_are_named(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()
