"""Penetration depths: exact for an exponential field, None (with a reason) when the grid
or the tally does not reach a level."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dose_fields import synthetic_result

from photodose.dose.depth import axial_fluence_rate, penetration_depths
from photodose.specs import Beam

BEAM = Beam(profile="flat_top", radius_mm=20.0)
INCIDENT = 1.0 / (math.pi * 20.0**2)
MU = 0.25
BUILD_UP = 3.0  # fluence rate at z = 0 over the incident irradiance


def exponential(r: np.ndarray, z: np.ndarray) -> np.ndarray:
    return BUILD_UP * INCIDENT * np.exp(-MU * z) + 0.0 * r


def test_depths_of_an_exponential_field_are_analytic() -> None:
    """phi = 3 E exp(-mu z): x % of the surface bin's value (z0 = dz/2) at
    z0 + ln(1/x)/mu; x % of the incident irradiance E at ln(3/x)/mu. Log-linear
    interpolation is exact for an exponential."""
    result = synthetic_result(exponential, dr_mm=0.5, dz_mm=0.5, nr=41, nz=121)
    depths = penetration_depths(result, BEAM, axis_bins=4)
    z0 = 0.25
    assert depths.surface_depth_mm == pytest.approx(z0)
    assert depths.axis_radius_mm == pytest.approx(2.0)
    assert depths.incident_irradiance_per_mm2 == pytest.approx(INCIDENT)
    assert depths.surface_to_incident_ratio == pytest.approx(BUILD_UP * math.exp(-MU * z0))
    for level in (0.1, 0.01, 0.001):
        assert depths.depth_mm(level, "surface") == pytest.approx(
            z0 + math.log(1 / level) / MU, rel=1e-9
        )
        assert depths.depth_mm(level, "incident") == pytest.approx(
            math.log(BUILD_UP / level) / MU, rel=1e-9
        )
    assert all(c.reason is None for c in depths.crossings)


def test_a_grid_too_shallow_gives_none_with_a_reason() -> None:
    """ln(3000)/0.25 = 32 mm: a 20 mm grid reaches 10 % (of E: 9.2 mm) but not 0.1 %."""
    result = synthetic_result(exponential, dr_mm=0.5, dz_mm=0.5, nr=41, nz=41)
    depths = penetration_depths(result, BEAM)
    assert depths.depth_mm(0.1, "incident") == pytest.approx(math.log(30) / MU, rel=1e-9)
    crossing = next(c for c in depths.crossings if c.reference == "incident" and c.level == 0.001)
    assert crossing.depth_mm is None
    assert "deeper grid" in crossing.reason
    assert depths.deepest_depth_mm == pytest.approx(19.75)


def test_an_empty_tally_gives_none_not_nan() -> None:
    def cut(r: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.where(z < 10.0, exponential(r, z), 0.0)

    result = synthetic_result(cut, dr_mm=0.5, dz_mm=0.5, nr=41, nz=121)
    depths = penetration_depths(result, BEAM)
    crossing = next(c for c in depths.crossings if c.reference == "surface" and c.level == 0.01)
    assert crossing.depth_mm is None
    assert "no photons" in crossing.reason


def test_axis_mean_is_area_weighted() -> None:
    """Annulus i has area proportional to i + 1/2: the mean of phi = r over the first
    3 bins of width 1 is sum (i+1/2)^2 / sum (i+1/2) = 8.75 / 4.5."""
    result = synthetic_result(lambda r, z: r + 0.0 * z, dr_mm=1.0, dz_mm=1.0, nr=10, nz=10)
    axial = axial_fluence_rate(result, axis_bins=3)
    assert axial.values == pytest.approx(np.full(9, 8.75 / 4.5))
    assert axial.attrs["axis_radius_mm"] == pytest.approx(3.0)


@pytest.mark.parametrize("bins", [0, 41])
def test_axis_bins_out_of_range_is_named(bins: int) -> None:
    result = synthetic_result(exponential, dr_mm=0.5, dz_mm=0.5, nr=41, nz=41)
    with pytest.raises(ValueError, match="axis_bins"):
        penetration_depths(result, BEAM, axis_bins=bins)
