"""Arrhenius damage integral and CEM43 thermal dose."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from photodose.thermal.damage import (
    arrhenius_damage,
    arrhenius_rate_per_s,
    cem43_minutes,
)


@given(
    temperature=st.floats(min_value=30.0, max_value=90.0),
    duration=st.floats(min_value=0.1, max_value=1.0e4),
)
@settings(max_examples=40, deadline=None)
def test_constant_temperature_gives_rate_times_time(temperature: float, duration: float) -> None:
    """Omega = A exp(-Ea / (R T)) t exactly at constant T (Henriques 1947 coefficients)."""
    times = np.linspace(0.0, duration, 7)
    omega = arrhenius_damage(times, np.full(7, temperature))
    kelvin = temperature + 273.15
    expected = 3.1e98 * math.exp(-6.28e5 / (8.314462618 * kelvin)) * duration
    assert float(omega) == pytest.approx(expected, rel=1e-9)


def test_arrhenius_along_a_field_history() -> None:
    times = np.array([0.0, 10.0, 20.0])
    temperatures = np.array([[50.0, 37.0], [50.0, 37.0], [50.0, 37.0]])
    omega = arrhenius_damage(times, temperatures)
    assert omega.shape == (2,)
    assert omega[0] == pytest.approx(20.0 * float(arrhenius_rate_per_s(50.0)))


def test_cem43_at_43_for_10_minutes_is_10() -> None:
    """Sapareto & Dewey 1984: CEM43 = sum t R^(43 - T), here 10 min * 0.5^0."""
    assert float(cem43_minutes([0.0, 600.0], [43.0, 43.0])) == pytest.approx(10.0, rel=1e-12)


@pytest.mark.parametrize(
    ("temperature", "expected_min"),
    [(44.0, 20.0), (45.0, 40.0), (42.0, 2.5), (41.0, 0.625), (37.0, 10.0 * 0.25**6)],
)
def test_cem43_uses_r_half_above_and_quarter_below(temperature: float, expected_min: float) -> None:
    assert float(cem43_minutes([0.0, 300.0, 600.0], [temperature] * 3)) == pytest.approx(
        expected_min, rel=1e-12
    )


def test_time_must_match_and_not_decrease() -> None:
    with pytest.raises(ValueError, match="as many"):
        cem43_minutes([0.0, 1.0], [43.0, 43.0, 43.0])
    with pytest.raises(ValueError, match="not decrease"):
        arrhenius_damage([0.0, 2.0, 1.0], [43.0, 43.0, 43.0])
