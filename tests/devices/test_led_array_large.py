"""LED arrays of any size: the mean in closed form (one direction) and the peak from
the array's central square, against independent references; a 60 x 60 pad is cheap."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from photodose.devices import Device
from photodose.devices.led_irradiance import array_irradiance_W_per_mm2, rectangle_power_W


def _pad(rows: int, cols: int, pitch: float, standoff: float, **emission) -> Device:
    emission = emission or {"half_angle_deg": 60.0}
    return Device.model_validate({
        "name": "pad", "title": "pad", "kind": "led_array", "source": "ASSUMPTION: test",
        "emission": {"kind": "led", "peak_nm": 850.0, "fwhm_nm": 30.0},
        "led_array": {"rows": rows, "cols": cols, "pitch_mm": pitch, "element_power_W": 0.001,
                      "standoff_mm": standoff, **emission},
    })  # fmt: skip


def _view_factor_corner(x: float, y: float, c: float) -> float:
    """Lambertian point source at height c over the corner of an x by y rectangle: the
    fraction of its power landing there (Howell catalog, case B-3, a quarter of it)."""
    if not x or not y:
        return 0.0
    a, b = abs(x) / c, abs(y) / c
    value = (
        a / math.sqrt(1 + a * a) * math.atan(b / math.sqrt(1 + a * a))
        + b / math.sqrt(1 + b * b) * math.atan(a / math.sqrt(1 + b * b))
    ) / (2 * math.pi)
    return math.copysign(1.0, x) * math.copysign(1.0, y) * value


@pytest.mark.parametrize("order_m", [0.0, 4.0, 30.0])
def test_rectangle_power_matches_direct_double_integration(order_m: float) -> None:
    """Any cosine power: the power on an off-centre rectangle equals scipy's adaptive
    double integral of the irradiance formula (Moreno & Sun 2008) to 1e-8."""
    rectangle, standoff, power = (-3.0, 7.0, 1.5, 4.0), 2.0, 0.2
    expected, _ = integrate.dblquad(
        lambda y, x: float(array_irradiance_W_per_mm2(x, y, [0.0], [0.0], standoff, power,
                                                      order_m)),
        rectangle[0], rectangle[1], rectangle[2], rectangle[3], epsabs=1e-13, epsrel=1e-11,
    )  # fmt: skip
    got = rectangle_power_W(rectangle, [0.0], [0.0], standoff, power, order_m)
    assert got == pytest.approx(expected, rel=1e-8)


def test_a_60_by_60_pad_mean_matches_the_view_factor() -> None:
    """3,600 Lambertian LEDs: the mean over the pad equals the sum of view factors."""
    device = _pad(60, 60, 5.0, 2.0)
    array = device.led_array
    assert array is not None
    x0, x1, y0, y1 = array.footprint_mm()
    xs, ys = array.emitter_positions_mm()
    c = array.standoff_mm
    landed = sum(
        _view_factor_corner(x1 - ex, y1 - ey, c) - _view_factor_corner(x0 - ex, y1 - ey, c)
        - _view_factor_corner(x1 - ex, y0 - ey, c) + _view_factor_corner(x0 - ex, y0 - ey, c)
        for ex, ey in zip(xs, ys, strict=True)
    ) * array.element_power_W  # fmt: skip
    assert array.mean_W_per_mm2() == pytest.approx(landed / array.treated_area_mm2, rel=1e-9)


@pytest.mark.parametrize(
    ("rows", "cols", "pitch", "standoff", "emission"),
    [
        (3, 4, 8.0, 4.0, {"half_angle_deg": 60.0}),
        (5, 5, 10.0, 1.0, {"half_angle_deg": 60.0}),  # peaks under the LEDs
        (4, 6, 3.0, 6.0, {"lambertian_order": 12.0}),  # peaks between them
        (1, 7, 5.0, 2.0, {"half_angle_deg": 30.0}),
    ],
)
def test_peak_agrees_with_a_dense_search_of_the_whole_footprint(
    rows: int, cols: int, pitch: float, standoff: float, emission: dict
) -> None:
    device = _pad(rows, cols, pitch, standoff, **emission)
    array = device.led_array
    assert array is not None
    x0, x1, y0, y1 = array.footprint_mm()
    gx, gy = np.meshgrid(np.linspace(x0, x1, 601), np.linspace(y0, y1, 601))
    xs, ys = array.emitter_positions_mm()
    brute = max(float(array.irradiance_W_per_mm2(gx, gy).max()),
                float(array.irradiance_W_per_mm2(xs, ys).max()))  # fmt: skip
    peak = array.peak_W_per_mm2()
    assert peak >= brute * (1 - 1e-12)
    assert peak <= brute * (1 + 1e-3)


def test_explicit_positions_find_the_peak_of_an_irregular_layout() -> None:
    positions = [[0.0, 0.0], [3.0, 0.5], [10.0, 9.0], [-4.0, 6.0]]
    device = Device.model_validate({
        "name": "odd", "title": "odd", "kind": "led_array", "source": "ASSUMPTION: test",
        "emission": {"kind": "led", "peak_nm": 850.0, "fwhm_nm": 30.0},
        "led_array": {"positions_mm": positions, "pitch_mm": 4.0, "element_power_W": 0.001,
                      "standoff_mm": 2.0, "half_angle_deg": 60.0},
    })  # fmt: skip
    array = device.led_array
    assert array is not None
    gx, gy = np.meshgrid(np.linspace(-6, 12, 901), np.linspace(-2, 11, 651))
    brute = float(array.irradiance_W_per_mm2(gx, gy).max())
    assert array.peak_W_per_mm2() == pytest.approx(brute, rel=1e-3)
    assert array.peak_W_per_mm2() >= brute * (1 - 1e-12)
