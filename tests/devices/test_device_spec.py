"""Devices: irradiance at the skin against analytic values, validation, round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import integrate

from photodose.devices import Device, LedArray, list_devices, load_device
from photodose.optics import EmissionSpectrum
from photodose.specs import Beam

SHIPPED = list_devices()
MW_PER_CM2 = 1.0e5  # per W/mm^2


def _probe(profile: str, radius_mm: float, power_W: float | None, **changes: object) -> Device:
    data: dict[str, object] = {
        "name": "test-probe",
        "title": "test",
        "kind": "laser_probe",
        "emission": {"kind": "laser", "peak_nm": 808.0},
        "power_W": power_W,
        "probe": {"beam": {"profile": profile, "radius_mm": radius_mm}},
        "source": "ASSUMPTION: test",
    }
    return Device.model_validate(data | changes)


def _array(**changes: object) -> dict[str, object]:
    led: dict[str, object] = {
        "rows": 3,
        "cols": 4,
        "pitch_mm": 8.0,
        "element_power_W": 0.01,
        "half_angle_deg": 60.0,
        "standoff_mm": 4.0,
    }
    return {
        "name": "test-array",
        "title": "test",
        "kind": "led_array",
        "emission": {"kind": "led", "peak_nm": 850.0, "fwhm_nm": 40.0},
        "led_array": led | changes,
        "source": "ASSUMPTION: test",
    }


# ---- laser probes against closed forms ----


def test_flat_top_irradiance_is_power_over_area() -> None:
    """0.1 W on a 0.5 cm2 disk: 200 mW/cm2 everywhere inside, nothing outside."""
    radius = math.sqrt(50.0 / math.pi)  # mm, area 50 mm2 = 0.5 cm2
    device = _probe("flat_top", radius, 0.1)
    inside = device.irradiance_at_skin_mW_per_cm2([0.0, 1.0, radius * 0.99], [0.0, 2.0, 0.0])
    assert inside == pytest.approx([200.0, 200.0, 200.0])
    assert device.irradiance_at_skin_mW_per_cm2(radius * 1.01, 0.0) == 0.0
    assert device.peak_irradiance_mW_per_cm2() == pytest.approx(200.0)
    assert device.mean_irradiance_mW_per_cm2() == pytest.approx(200.0)
    assert device.treated_area_cm2 == pytest.approx(0.5)


def test_gaussian_peak_is_2P_over_pi_w2() -> None:
    power, w = 0.2, 3.0
    device = _probe("gaussian", w, power)
    expected_peak = 2 * power / (math.pi * w * w) * MW_PER_CM2
    assert device.peak_irradiance_mW_per_cm2() == pytest.approx(expected_peak)
    assert device.irradiance_at_skin_mW_per_cm2(0.0, 0.0) == pytest.approx(expected_peak)
    # at the 1/e^2 radius the irradiance is e^-2 of the peak
    assert device.irradiance_at_skin_mW_per_cm2(w, 0.0) == pytest.approx(
        expected_peak * math.exp(-2)
    )
    # the whole profile carries the power
    total, _ = integrate.quad(
        lambda r: (
            float(device.irradiance_at_skin_mW_per_cm2(r, 0.0)) / MW_PER_CM2 * 2 * math.pi * r
        ),
        0.0,
        10 * w,
    )
    assert total == pytest.approx(power, rel=1e-9)
    # mean over the 1/e^2 disk: (1 - e^-2) P / (pi w^2)
    assert device.mean_irradiance_mW_per_cm2() == pytest.approx(
        (1 - math.exp(-2)) * power / (math.pi * w * w) * MW_PER_CM2
    )


# ---- LED arrays ----


def test_led_array_power_is_elements_times_element_power() -> None:
    device = Device.model_validate(_array())
    assert device.average_power_W == pytest.approx(12 * 0.01)
    assert device.led_array is not None
    assert device.treated_area_cm2 == pytest.approx(4 * 8 * 3 * 8 / 100.0)


def test_led_array_mean_matches_the_view_factor() -> None:
    """Lambertian LEDs (60 degree half-angle, m = 1): power on the footprint is each LED's
    power times its view factor of the footprint rectangle (Howell catalog case B-3), so
    the mean irradiance has a closed form independent of the sampling in the code."""

    def corner(x: float, y: float, c: float) -> float:
        if not x or not y:
            return 0.0
        a, b = abs(x) / c, abs(y) / c
        value = (
            a / math.sqrt(1 + a * a) * math.atan(b / math.sqrt(1 + a * a))
            + b / math.sqrt(1 + b * b) * math.atan(a / math.sqrt(1 + b * b))
        ) / (2 * math.pi)
        return math.copysign(1.0, x) * math.copysign(1.0, y) * value

    device = Device.model_validate(_array())
    array = device.led_array
    assert array is not None
    x0, x1, y0, y1 = array.footprint_mm()
    xs, ys = array.emitter_positions_mm()
    landed = 0.0
    for ex, ey in zip(xs, ys, strict=True):
        c = array.standoff_mm
        landed += array.element_power_W * (
            corner(x1 - ex, y1 - ey, c)
            - corner(x0 - ex, y1 - ey, c)
            - corner(x1 - ex, y0 - ey, c)
            + corner(x0 - ex, y0 - ey, c)
        )
    expected = landed / array.treated_area_mm2 * MW_PER_CM2
    assert device.mean_irradiance_mW_per_cm2() == pytest.approx(expected, rel=1e-3)


def test_led_array_peak_is_at_least_the_value_under_each_led() -> None:
    device = Device.model_validate(_array(standoff_mm=2.0))
    array = device.led_array
    assert array is not None
    xs, ys = array.emitter_positions_mm()
    under = device.irradiance_at_skin_mW_per_cm2(xs, ys)
    assert device.peak_irradiance_mW_per_cm2() >= under.max()
    # a single LED right above the point gives P (m + 1) / (2 pi d^2) there, and the
    # neighbours add to it
    single = array.element_power_W * 2.0 / (2 * math.pi * 2.0**2) * MW_PER_CM2
    assert under.min() > single


def test_explicit_positions_equal_the_grid() -> None:
    grid = Device.model_validate(_array())
    assert grid.led_array is not None
    xs, ys = grid.led_array.emitter_positions_mm()
    positions = [[float(x), float(y)] for x, y in zip(xs, ys, strict=True)]
    listed = Device.model_validate(_array(rows=None, cols=None, positions_mm=positions))
    points = np.linspace(-20, 20, 7)
    assert listed.irradiance_at_skin_mW_per_cm2(points, points / 2) == pytest.approx(
        grid.irradiance_at_skin_mW_per_cm2(points, points / 2)
    )
    assert listed.mean_irradiance_mW_per_cm2() == pytest.approx(grid.mean_irradiance_mW_per_cm2())


# ---- shipped devices ----


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_device_round_trips_toml_and_json(name: str, tmp_path) -> None:
    device = load_device(name)
    assert Device.from_toml(device.to_toml()) == device
    assert Device.from_json(device.to_json()) == device
    for suffix in (".toml", ".json"):
        path = tmp_path / f"{name}{suffix}"
        device.save(path)
        assert Device.load(path) == device


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_device_irradiance_is_sane(name: str) -> None:
    device = load_device(name)
    mean = device.mean_irradiance_mW_per_cm2()
    assert 0.0 < mean <= device.peak_irradiance_mW_per_cm2() * (1 + 1e-9)
    # the mean over the treated area can never exceed all the power on that area
    assert mean <= device.average_power_W * 1e3 / device.treated_area_cm2 * (1 + 1e-9)
    assert device.source.strip()


def test_trial_devices_reproduce_their_reported_doses() -> None:
    """Yamany & Sayed 2012: 5.7 J/cm2 in 15 min; Chang et al. 2008: 9.7 J/cm2 in 10 min;
    Iranian 980 nm trial: 10 J per point at 200 mW = 50 s."""
    scan = load_device("850nm-scanning-laser")
    assert scan.mean_irradiance_mW_per_cm2() * 1e-3 * 900 == pytest.approx(5.7, rel=1e-3)
    chang = load_device("830nm-pulsed-laser-probe")
    assert chang.mean_irradiance_mW_per_cm2() * 1e-3 * 600 == pytest.approx(9.7, rel=1e-3)
    assert chang.pulse_peak_factor == pytest.approx(2.0)
    assert 10.0 / load_device("980nm-laser-200mW").average_power_W == pytest.approx(50.0)


def test_the_led_pad_has_the_reported_layout() -> None:
    """MIRE pads: 60 diodes per pad at 890 nm, pulsed at 292 Hz."""
    pad = load_device("890nm-led-pad")
    assert pad.led_array is not None and pad.led_array.element_count == 60
    assert pad.emission.peak_nm == 890.0 and pad.frequency_Hz == 292.0


# ---- validation: the field, the value and what is allowed ----


def test_average_must_equal_peak_times_duty() -> None:
    with pytest.raises(ValidationError) as error:
        _probe(
            "flat_top",
            3.0,
            0.01,
            mode="pulsed",
            peak_power_W=9.4,
            frequency_Hz=5000.0,
            duty_cycle=0.001,
        )
    message = str(error.value)
    assert "average power = 0.01 W" in message and "9.4 x 0.001 = 0.0094" in message


def test_duty_must_match_pulse_length_and_frequency() -> None:
    with pytest.raises(ValidationError, match="pulse_duration_s x frequency_Hz"):
        _probe(
            "flat_top",
            3.0,
            0.0094,
            mode="pulsed",
            peak_power_W=9.4,
            frequency_Hz=5000.0,
            duty_cycle=0.001,
            pulse_duration_s=1e-6,
        )


def test_pulsed_needs_its_pulse_fields() -> None:
    with pytest.raises(ValidationError, match="missing frequency_Hz, duty_cycle"):
        _probe("flat_top", 3.0, 0.1, mode="pulsed", peak_power_W=1.0)


def test_cw_rejects_pulse_fields() -> None:
    with pytest.raises(ValidationError, match="remove the pulse fields"):
        _probe("flat_top", 3.0, 0.1, duty_cycle=0.5)


def test_duty_cycle_above_one_names_the_bound() -> None:
    with pytest.raises(ValidationError) as error:
        _probe(
            "flat_top", 3.0, 0.1, mode="pulsed", peak_power_W=0.1, frequency_Hz=10.0, duty_cycle=1.5
        )
    assert "duty_cycle" in str(error.value) and "less than or equal to 1" in str(error.value)


def test_pencil_probe_is_rejected() -> None:
    with pytest.raises(ValidationError, match="finite spot"):
        _probe("pencil", 0.0, 0.1)


def test_kind_must_match_the_description() -> None:
    with pytest.raises(ValidationError, match="kind = 'led_array'"):
        Device.model_validate(_array() | {"led_array": None})
    with pytest.raises(ValidationError, match="power_W = 0.5"):
        Device.model_validate(_array() | {"power_W": 0.5})
    with pytest.raises(ValidationError, match="needs its average power"):
        _probe("flat_top", 3.0, None)


def test_array_layout_and_emission_need_exactly_one_form() -> None:
    with pytest.raises(ValidationError, match="exactly one layout"):
        Device.model_validate(_array(positions_mm=[[0.0, 0.0]]))
    with pytest.raises(ValidationError, match="exactly one"):
        Device.model_validate(_array(lambertian_order=2.0))
    with pytest.raises(ValidationError, match="a grid needs both"):
        Device.model_validate(_array(cols=None))
    with pytest.raises(ValidationError) as error:
        Device.model_validate(_array(half_angle_deg=90.0))
    assert "half_angle_deg" in str(error.value) and "less than 90" in str(error.value)


# ---- random valid devices round-trip unchanged ----

_finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def devices(draw: st.DrawFn) -> Device:
    emission = draw(
        st.one_of(
            st.builds(EmissionSpectrum, kind=st.just("laser"), peak_nm=st.floats(600, 1000)),
            st.builds(
                EmissionSpectrum,
                kind=st.just("led"),
                peak_nm=st.floats(600, 1000),
                fwhm_nm=st.floats(1, 80),
            ),
        )
    )
    pulsed = draw(st.booleans())
    if draw(st.booleans()):
        average = draw(st.floats(1e-4, 5.0, **_finite))
        extra: dict[str, object] = {
            "kind": "laser_probe",
            "power_W": average,
            "probe": {
                "beam": Beam(
                    profile=draw(st.sampled_from(["flat_top", "gaussian"])),
                    radius_mm=draw(st.floats(0.1, 60.0, **_finite)),
                )
            },
        }
    else:
        layout: dict[str, object]
        if draw(st.booleans()):
            layout = {"rows": draw(st.integers(1, 8)), "cols": draw(st.integers(1, 8))}
        else:
            points = st.tuples(st.floats(-50, 50, **_finite), st.floats(-50, 50, **_finite))
            layout = {"positions_mm": draw(st.lists(points, min_size=1, max_size=6))}
        shape = (
            {"half_angle_deg": draw(st.floats(5.0, 85.0, **_finite))}
            if draw(st.booleans())
            else {"lambertian_order": draw(st.floats(0.0, 50.0, **_finite))}
        )
        array = LedArray(
            pitch_mm=draw(st.floats(1.0, 20.0, **_finite)),
            element_power_W=draw(st.floats(1e-4, 0.1, **_finite)),
            standoff_mm=draw(st.floats(0.5, 50.0, **_finite)),
            **layout,
            **shape,
        )
        average = array.element_power_W * array.element_count
        extra = {"kind": "led_array", "led_array": array}
    if pulsed:
        duty = draw(st.floats(1e-4, 1.0, **_finite))
        frequency = draw(st.floats(1.0, 1e5, **_finite))
        extra |= {
            "mode": "pulsed",
            "peak_power_W": average / duty,
            "duty_cycle": duty,
            "frequency_Hz": frequency,
            "pulse_duration_s": duty / frequency,
        }
    return Device.model_validate(
        {
            "name": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,20}", fullmatch=True)),
            "title": "generated",
            "emission": emission,
            "source": draw(st.text(min_size=1, max_size=40)),
        }
        | extra
    )


@settings(max_examples=60, deadline=None)
@given(device=devices())
def test_random_devices_round_trip(device: Device) -> None:
    assert Device.from_toml(device.to_toml()) == device
    assert Device.from_json(device.to_json()) == device
