"""LED irradiance kernel against independent references.

References: (1) energy conservation, the irradiance integrated over the whole skin plane
returns the emitted power; (2) a ray-traced Monte Carlo estimate built only from the
radiant intensity I(theta) = I0 cos^m(theta) (Moreno & Sun 2008, Opt Express 16:1808);
(3) for a Lambertian emitter (m = 1), the published view factor from a differential area
to a parallel rectangle (Howell, A Catalog of Radiation Heat Transfer Configuration
Factors, case B-3; Siegel & Howell, Thermal Radiation Heat Transfer, App. C).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from photodose.devices.led_irradiance import (
    array_irradiance_W_per_mm2,
    lambertian_order,
    radiant_intensity_W_per_sr,
)


def test_lambertian_half_angle_is_order_one() -> None:
    # cos(60 deg) = 1/2: a Lambertian emitter's intensity halves at 60 degrees
    assert lambertian_order(60.0) == pytest.approx(1.0)
    m = lambertian_order(20.0)
    assert math.cos(math.radians(20.0)) ** m == pytest.approx(0.5)


def test_radiant_intensity_integrates_to_the_power() -> None:
    for m in (0.0, 1.0, 11.1):
        total, _ = integrate.quad(
            lambda t, m=m: radiant_intensity_W_per_sr(t, 0.02, m) * 2 * math.pi * math.sin(t),
            0.0,
            math.pi / 2,
        )
        assert total == pytest.approx(0.02, rel=1e-9)


@pytest.mark.parametrize(("order_m", "standoff_mm"), [(1.0, 3.0), (11.1, 5.0), (4.0, 0.5)])
def test_irradiance_over_the_plane_returns_the_power(order_m: float, standoff_mm: float) -> None:
    """One LED: integral of E(r) 2 pi r dr to 200 stand-offs recovers P within 1 %
    (the light beyond is cos^(m+1) of the last angle, < 3e-5 here)."""
    power = 0.05

    def ring(r: float) -> float:
        return float(
            array_irradiance_W_per_mm2(r, 0.0, [0.0], [0.0], standoff_mm, power, order_m)
        ) * (2 * math.pi * r)

    reach = 200.0 * standoff_mm
    total, _ = integrate.quad(ring, 0.0, reach, points=[standoff_mm], limit=400)
    assert total == pytest.approx(power, rel=0.01)
    # and closer still when the tail is accounted for analytically
    tail = (standoff_mm / math.hypot(reach, standoff_mm)) ** (order_m + 1.0)
    assert total + power * tail == pytest.approx(power, rel=1e-6)


def test_array_irradiance_on_a_grid_returns_all_the_power() -> None:
    """A 3 x 4 array at 2 mm: summing E over a fine 400 x 400 mm grid gives 12 P (1 %)."""
    xs, ys = np.meshgrid(np.arange(4) * 6.0 - 9.0, np.arange(3) * 6.0 - 6.0)
    step = 0.25
    axis = np.arange(-200.0, 200.0, step) + step / 2
    gx, gy = np.meshgrid(axis, axis)
    field = array_irradiance_W_per_mm2(gx, gy, xs, ys, 2.0, 0.01, 1.0)
    assert field.sum() * step * step == pytest.approx(12 * 0.01, rel=0.01)


def test_ray_traced_intensity_agrees_with_the_formula() -> None:
    """Rays drawn from I(theta) ~ cos^m(theta) (cos(theta) = U^(1/(m+1))) and traced to
    the plane; hits per annulus give E. Compared annulus by annulus with the formula
    averaged over the same annulus, within 4 standard errors."""
    rng = np.random.default_rng(20240607)
    power, m, d = 1.0, 3.0, 4.0
    rays = 2_000_000
    cos_theta = rng.random(rays) ** (1.0 / (m + 1.0))
    radius = d * np.sqrt(1.0 - cos_theta**2) / cos_theta
    edges = np.linspace(0.0, 12.0, 13)
    counts, _ = np.histogram(radius, bins=edges)
    areas = math.pi * (edges[1:] ** 2 - edges[:-1] ** 2)
    estimate = power * counts / rays / areas
    error = power * np.sqrt(counts) / rays / areas
    for i in range(len(areas)):
        mean, _ = integrate.quad(
            lambda r: (
                float(array_irradiance_W_per_mm2(r, 0.0, [0.0], [0.0], d, power, m))
                * 2
                * math.pi
                * r
            ),
            edges[i],
            edges[i + 1],
        )
        expected = mean / areas[i]
        assert abs(estimate[i] - expected) < 4 * error[i], (i, estimate[i], expected)


def _view_factor_corner(a: float, b: float, c: float) -> float:
    """Differential area to a parallel a x b rectangle at distance c, with one corner
    of the rectangle on the element's normal (Howell catalog, case B-3)."""
    x, y = a / c, b / c
    return (
        x / math.sqrt(1 + x * x) * math.atan(y / math.sqrt(1 + x * x))
        + y / math.sqrt(1 + y * y) * math.atan(x / math.sqrt(1 + y * y))
    ) / (2 * math.pi)


def _view_factor(x0: float, x1: float, y0: float, y1: float, c: float) -> float:
    """Rectangle [x0, x1] x [y0, y1] seen from above the origin, by corner superposition."""

    def corner(x: float, y: float) -> float:
        sign = math.copysign(1.0, x) * math.copysign(1.0, y)
        return sign * _view_factor_corner(abs(x), abs(y), c) if x and y else 0.0

    return corner(x1, y1) - corner(x0, y1) - corner(x1, y0) + corner(x0, y0)


def test_lambertian_power_on_a_rectangle_matches_the_view_factor() -> None:
    """Power landing on an off-centre rectangle from a Lambertian LED = P x view factor."""
    power, d = 0.03, 3.0
    x0, x1, y0, y1 = -2.0, 7.0, 1.0, 5.0
    landed, _ = integrate.dblquad(
        lambda y, x: float(array_irradiance_W_per_mm2(x, y, [0.0], [0.0], d, power, 1.0)),
        x0,
        x1,
        y0,
        y1,
        epsabs=1e-12,
        epsrel=1e-9,
    )
    assert landed == pytest.approx(power * _view_factor(x0, x1, y0, y1, d), rel=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    x=st.floats(-30, 30, allow_nan=False),
    y=st.floats(-30, 30, allow_nan=False),
    scale=st.floats(0.1, 10, allow_nan=False),
)
def test_irradiance_is_linear_in_power_and_symmetric(x: float, y: float, scale: float) -> None:
    ex, ey = [-5.0, 5.0], [0.0, 0.0]  # symmetric pair about both axes through the origin
    base = array_irradiance_W_per_mm2(x, y, ex, ey, 4.0, 0.01, 2.0)
    assert array_irradiance_W_per_mm2(x, y, ex, ey, 4.0, 0.01 * scale, 2.0) == pytest.approx(
        scale * base
    )
    assert array_irradiance_W_per_mm2(-x, -y, ex, ey, 4.0, 0.01, 2.0) == pytest.approx(base)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="half_angle_deg = 95"):
        lambertian_order(95.0)
    with pytest.raises(ValueError, match="standoff_mm = 0"):
        array_irradiance_W_per_mm2(0.0, 0.0, [0.0], [0.0], 0.0, 0.01, 1.0)
