"""The power/time search on constructed thermal responses (pure arrays, no transport).

References are closed-form temperature histories, solved for the crossing power or time
by root finding (scipy.optimize.brentq), and brute-force evaluation of the response on
dense time grids.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from photodose.planning.search import ThermalResponse, choose_setting

BASELINE_C = np.array([33.0, 35.5, 37.0])  # skin face, dermis, deep tissue
TAU_S = 60.0  # time constant of the constructed rise
SHAPE = np.array([1.0, 0.6, 0.05])  # rise per depth relative to the skin face
POWERS = 400  # choose_setting's default number of candidate powers


def saturating(peak_rise_per_W: float, time_s: np.ndarray) -> ThermalResponse:
    """rise(t, z) = a_z (1 - exp(-t / tau)), a_z = peak_rise_per_W x SHAPE, at time_s."""
    rise = peak_rise_per_W * (1.0 - np.exp(-time_s / TAU_S))[:, None] * SHAPE[None, :]
    return ThermalResponse(time_s, BASELINE_C, rise)


def skin_C(power_W: float, time_s: float, peak_rise_per_W: float) -> float:
    """The constructed response's hottest temperature, in closed form (over depth only:
    the rise never falls, so the hottest moment is the end)."""
    rise = peak_rise_per_W * (1.0 - math.exp(-time_s / TAU_S)) * SHAPE
    return float(np.max(BASELINE_C + power_W * rise))


FINE_TIME_S = np.linspace(0.0, 1200.0, 4801)


def test_rated_power_when_cool_enough() -> None:
    response = saturating(2.0, FINE_TIME_S)  # at most 33 + 0.1 x 2 = 33.2 C at the skin
    setting = choose_setting(
        fluence_per_J=0.05, aim_J_per_cm2=3.0, lower_J_per_cm2=1.0, rated_power_W=0.1,
        min_power_W=0.005, max_time_s=1200.0, limit_C=41.0, response=response,
    )  # fmt: skip
    assert setting.feasible
    assert setting.binding == "dose aim at rated power"
    assert setting.power_W == pytest.approx(0.1, rel=1e-12)
    assert setting.time_s == pytest.approx(3.0 / (0.05 * 0.1), rel=1e-12)  # 600 s
    assert setting.fluence_J_per_cm2 == pytest.approx(3.0, rel=1e-12)


def test_power_reduced_to_the_temperature_limit() -> None:
    """At 1 W the skin passes 41 C; the chosen power is the root of T(P, E / P) = 41 C
    to within one step of the candidate grid (ratio (rated / min)^(1/399))."""
    a, fluence_per_J, aim, limit = 20.0, 0.05, 3.0, 41.0
    rated, minimum = 1.0, 0.05
    response = saturating(a, FINE_TIME_S)
    setting = choose_setting(
        fluence_per_J=fluence_per_J, aim_J_per_cm2=aim, lower_J_per_cm2=1.0,
        rated_power_W=rated, min_power_W=minimum, max_time_s=1200.0, limit_C=limit,
        response=response,
    )  # fmt: skip
    energy_J = aim / fluence_per_J
    assert skin_C(rated, energy_J / rated, a) > limit  # the premise: rated is too hot
    root = brentq(lambda p: skin_C(p, energy_J / p, a) - limit, minimum, rated, xtol=1e-12)
    step = (rated / minimum) ** (1.0 / (POWERS - 1))
    assert setting.feasible
    assert setting.binding == "skin temperature"
    assert root / step * (1 - 1e-6) <= setting.power_W <= root * (1 + 1e-6)
    assert setting.time_s == pytest.approx(energy_J / setting.power_W, rel=1e-12)
    assert setting.fluence_J_per_cm2 == pytest.approx(aim, rel=1e-12)
    # it sits at the limit: the next candidate power up would pass it
    assert float(response.peak_C(setting.power_W, setting.time_s)) <= limit + 1e-9
    up = setting.power_W * step
    assert float(response.peak_C(up, energy_J / up)) > limit
    assert "41" in setting.explanation


def test_infeasible_when_time_per_spot_stops_it() -> None:
    """Cool tissue, too little light: the best is rated power for the longest time."""
    response = saturating(2.0, FINE_TIME_S)
    setting = choose_setting(
        fluence_per_J=1e-3, aim_J_per_cm2=3.0, lower_J_per_cm2=1.0, rated_power_W=0.1,
        min_power_W=0.005, max_time_s=1200.0, limit_C=41.0, response=response,
    )  # fmt: skip
    assert not setting.feasible
    assert setting.binding == "time per spot"
    assert setting.power_W == pytest.approx(0.1, rel=1e-12)
    assert setting.time_s == pytest.approx(1200.0, rel=1e-12)
    assert setting.fluence_J_per_cm2 == pytest.approx(1e-3 * 0.1 * 1200.0, rel=1e-12)  # 0.12
    assert "below the 1 J/cm^2 lower bound" in setting.explanation
    assert "time per spot" in setting.explanation


def test_infeasible_when_temperature_stops_it() -> None:
    """Hot at every power: the most fluence any power delivers before reaching the limit,
    found by brute force over powers (root of T(P, t) = limit in t), stays below 1 J/cm^2."""
    a, fluence_per_J, limit = 60.0, 0.02, 41.0
    rated, minimum = 1.0, 0.2
    response = saturating(a, FINE_TIME_S)
    setting = choose_setting(
        fluence_per_J=fluence_per_J, aim_J_per_cm2=3.0, lower_J_per_cm2=1.0,
        rated_power_W=rated, min_power_W=minimum, max_time_s=1200.0, limit_C=limit,
        response=response,
    )  # fmt: skip

    def safe_time(power: float) -> float:
        if skin_C(power, 1200.0, a) <= limit:
            return 1200.0
        return brentq(lambda t: skin_C(power, t, a) - limit, 0.0, 1200.0, xtol=1e-10)

    powers = np.geomspace(minimum, rated, 2000)
    best = max(fluence_per_J * p * safe_time(p) for p in powers)
    assert best < 1.0  # the premise: no safe setting reaches the window
    assert not setting.feasible
    assert setting.binding == "skin temperature"
    assert setting.fluence_J_per_cm2 == pytest.approx(best, rel=2e-3)
    assert float(response.peak_C(setting.power_W, setting.time_s)) <= limit + 1e-9
    assert "skin temperature stops it" in setting.explanation


def test_no_light_at_the_nerve_is_infeasible() -> None:
    setting = choose_setting(
        fluence_per_J=0.0, aim_J_per_cm2=3.0, lower_J_per_cm2=1.0, rated_power_W=0.1,
        min_power_W=0.005, max_time_s=1200.0, limit_C=41.0,
        response=saturating(2.0, FINE_TIME_S),
    )  # fmt: skip
    assert not setting.feasible
    assert setting.binding == "no light reaches the nerve"


def test_aim_out_of_reach_by_time_gives_reduced_fluence_inside_window() -> None:
    """Aim 8 J/cm^2, window 1-10, cool tissue, 500 s per spot: rated power for 500 s
    delivers 0.05 x 0.1 x 500 = 2.5 J/cm^2, inside the window."""
    response = saturating(2.0, FINE_TIME_S)
    setting = choose_setting(
        fluence_per_J=0.05, aim_J_per_cm2=8.0, lower_J_per_cm2=1.0, rated_power_W=0.1,
        min_power_W=0.01, max_time_s=500.0, limit_C=41.0, response=response,
    )  # fmt: skip
    assert setting.feasible
    assert setting.binding == "time per spot"
    assert (setting.power_W, setting.time_s) == pytest.approx((0.1, 500.0), rel=1e-12)
    assert setting.fluence_J_per_cm2 == pytest.approx(2.5, rel=1e-12)
    assert "out of reach" in setting.explanation


def test_aim_out_of_reach_by_temperature_gives_reduced_fluence_inside_window() -> None:
    """Skin rising as 33 C + P a sqrt(t) (surface heating of a semi-infinite solid,
    Carslaw & Jaeger 1959, sec 2.9), a = 30 K/(W s^0.5): power P may stay on for
    t = ((41 - 33) / (P a))^2, so the fluence f P t falls as 1/P and the lowest power
    delivers most: 0.2 x 0.01 x (8 / 0.3)^2 = 1.42 J/cm^2 in 711 s."""
    a, fluence_per_J, minimum, limit = 30.0, 0.2, 0.01, 41.0
    rise = a * np.sqrt(FINE_TIME_S)[:, None] * SHAPE[None, :]
    response = ThermalResponse(FINE_TIME_S, BASELINE_C, rise)
    setting = choose_setting(
        fluence_per_J=fluence_per_J, aim_J_per_cm2=8.0, lower_J_per_cm2=1.0,
        rated_power_W=0.1, min_power_W=minimum, max_time_s=1200.0, limit_C=limit,
        response=response,
    )  # fmt: skip
    safe_time = ((limit - 33.0) / (minimum * a)) ** 2
    assert setting.feasible
    assert setting.binding == "skin temperature"
    assert setting.power_W == pytest.approx(minimum, rel=1e-12)
    assert setting.time_s == pytest.approx(safe_time, rel=1e-9)
    assert setting.fluence_J_per_cm2 == pytest.approx(fluence_per_J * minimum * safe_time, rel=1e-9)
    assert float(response.peak_C(setting.power_W, setting.time_s)) <= limit + 1e-9
    assert "out of reach" in setting.explanation


def test_led_array_runs_only_at_rated_power() -> None:
    setting = choose_setting(
        fluence_per_J=0.05, aim_J_per_cm2=3.0, lower_J_per_cm2=1.0, rated_power_W=1.3,
        min_power_W=1.3, max_time_s=1200.0, limit_C=41.0,
        response=saturating(2.0, FINE_TIME_S),
    )  # fmt: skip
    assert setting.feasible
    assert setting.power_W == 1.3


# --- ThermalResponse against brute force --------------------------------------------


def brute_peak_C(response: ThermalResponse, power: float, duration: float) -> float:
    """Dense evaluation of the rule peak_C implements: each depth's rise linear in sqrt(t)
    between steps, the hottest point over [0, duration] and over depth."""
    times = np.union1d(
        np.linspace(0.0, duration, 3001), response.time_s[response.time_s <= duration]
    )
    roots = np.sqrt(times)
    rises = np.array([np.interp(roots, np.sqrt(response.time_s), response.rise_per_W[:, z])
                      for z in range(response.rise_per_W.shape[1])])  # fmt: skip
    return float(np.max(response.baseline_C[:, None] + power * rises))


@st.composite
def responses(draw: st.DrawFn) -> ThermalResponse:
    steps = draw(st.integers(3, 12))
    gaps = draw(st.lists(st.floats(0.1, 50.0), min_size=steps, max_size=steps))
    time_s = np.concatenate(([0.0], np.cumsum(gaps)))
    depths = draw(st.integers(1, 4))
    baseline = np.array(draw(st.lists(st.floats(30.0, 37.0), min_size=depths, max_size=depths)))
    rise = np.array(
        draw(st.lists(st.floats(0.0, 30.0), min_size=(steps + 1) * depths,
                      max_size=(steps + 1) * depths))
    ).reshape(steps + 1, depths)  # fmt: skip
    rise[0] = 0.0  # no rise before the light is on
    return ThermalResponse(time_s, baseline, rise)


@settings(max_examples=60, deadline=None)
@given(response=responses(), power=st.floats(0.0, 2.0), fraction=st.floats(0.0, 1.2))
def test_peak_C_matches_brute_force(
    response: ThermalResponse, power: float, fraction: float
) -> None:
    """Random (noisy, non-monotone) rises: peak_C equals the dense evaluation; beyond the
    last step it holds the last value."""
    duration = fraction * response.time_s[-1]
    expected = brute_peak_C(response, power, min(duration, response.time_s[-1]))
    assert float(response.peak_C(power, duration)) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(response=responses(), powers=st.lists(st.floats(0.0, 2.0), min_size=2, max_size=5))
def test_peak_C_broadcasts_and_never_falls(response: ThermalResponse, powers: list[float]) -> None:
    """An array of settings gives the same values one by one; later is never cooler."""
    durations = np.linspace(0.0, response.time_s[-1], len(powers))
    together = response.peak_C(np.array(powers), durations)
    one_by_one = [float(response.peak_C(p, d)) for p, d in zip(powers, durations, strict=True)]
    np.testing.assert_allclose(together, one_by_one, rtol=0, atol=1e-12)
    for power in powers:
        history = response.peak_C(np.full(50, power), np.linspace(0.0, response.time_s[-1], 50))
        assert np.all(np.diff(history) >= -1e-12)


def test_peak_C_exact_for_a_square_root_rise() -> None:
    """A surface-heated semi-infinite solid rises as sqrt(t) (Carslaw & Jaeger 1959, sec
    2.9): sparse steps (0, 3.75, 7.5, 15 s) reproduce it exactly between them."""
    time_s = np.array([0.0, 3.75, 7.5, 15.0])
    response = ThermalResponse(time_s, np.array([33.0]), 2.0 * np.sqrt(time_s)[:, None])
    for duration in (1.0, 4.54, 6.0, 11.0):
        expected = 33.0 + 0.5 * 2.0 * math.sqrt(duration)
        assert float(response.peak_C(0.5, duration)) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(response=responses(), power=st.floats(0.05, 2.0), above=st.floats(0.1, 20.0))
def test_time_to_reach_C_against_brute_force(
    response: ThermalResponse, power: float, above: float
) -> None:
    """The first time the dense evaluation passes the limit, versus time_to_reach_C: never
    later (the limit is not passed before it), within the same step, and equal when one
    depth with a rising history sets the peak (the interpolant is then one straight piece
    per step in sqrt(t))."""
    limit = float(response.baseline_C.max()) + above
    reached = response.time_to_reach_C(power, limit)
    dense = np.union1d(np.linspace(0.0, response.time_s[-1], 20001), response.time_s)
    peaks = response.peak_C(np.full(dense.size, power), dense)
    over = np.nonzero(peaks > limit)[0]
    if over.size == 0:
        assert reached == math.inf
        return
    crossing = float(dense[over[0]])
    assert reached <= crossing + 1e-9
    assert float(response.peak_C(power, reached)) <= limit + 1e-9
    step = int(np.searchsorted(response.time_s, crossing, side="left"))
    assert reached >= response.time_s[max(step - 1, 0)] - 1e-9


@settings(max_examples=40, deadline=None)
@given(
    scale=st.floats(0.5, 30.0),
    power=st.floats(0.05, 2.0),
    above=st.floats(0.1, 20.0),
    gaps=st.lists(st.floats(0.1, 50.0), min_size=3, max_size=12),
)
def test_time_to_reach_C_exact_for_one_rising_depth(
    scale: float, power: float, above: float, gaps: list[float]
) -> None:
    """One depth, rise increasing: the crossing agrees with root finding on the dense
    interpolant (brentq on brute_peak_C)."""
    time_s = np.concatenate(([0.0], np.cumsum(gaps)))
    rise = scale * (1.0 - np.exp(-time_s / 20.0))
    response = ThermalResponse(time_s, np.array([34.0]), rise[:, None])
    limit = 34.0 + above
    reached = response.time_to_reach_C(power, limit)
    if 34.0 + power * rise[-1] <= limit:
        assert reached == math.inf
        return
    root = brentq(lambda t: brute_peak_C(response, power, t) - limit, 0.0, time_s[-1], xtol=1e-12)
    assert reached == pytest.approx(root, rel=1e-7, abs=1e-9)
