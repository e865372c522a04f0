"""An emitter array's field as the sum of single-emitter fields: against a direct Monte
Carlo run of the whole array, against analytic convolution, and in its symmetries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from photodose.devices import load_device
from photodose.dose.emitter_array import (
    array_sum,
    ring_power_about,
    ring_weights,
    single_emitter_field,
)
from photodose.specs import Beam, Grid, Simulation
from photodose.specs import result as schema
from photodose.tissue import load_site
from photodose.transport import simulate
from photodose.transport.layered import simulate_radial_source

PAD = load_device("890nm-led-pad")
ARRAY = PAD.led_array
assert ARRAY is not None


def _emitter(r_mm: np.ndarray) -> np.ndarray:
    """One LED of the pad, per W emitted: the device model's irradiance at the skin."""
    one = ARRAY.model_copy(update={"rows": 1, "cols": 1, "element_power_W": 1.0})
    return one.irradiance_W_per_mm2(r_mm, np.zeros_like(r_mm))


def test_ring_weights_reproduce_a_flat_top_convolution_of_a_smooth_field() -> None:
    """For G = exp(-r^2 / s^2) (a 2-D Gaussian) and a Gaussian irradiance the convolution
    is a Gaussian of variance s^2 + w^2 (analytic)."""
    dr = 0.1
    r = (np.arange(400) + 0.5) * dr
    s, w = 2.0, 1.5
    irradiance = lambda x: np.exp(-(x**2) / w**2) / (math.pi * w**2)  # noqa: E731
    matrix = ring_weights(r, dr, irradiance)
    result = matrix @ np.exp(-(r**2) / s**2)
    expected = s**2 / (s**2 + w**2) * np.exp(-(r**2) / (s**2 + w**2))
    assert np.abs(result - expected)[r < 15].max() < 2e-3 * expected.max()


def test_summed_single_emitter_fields_equal_a_direct_run_of_the_array() -> None:
    """Monte Carlo, 890 nm, the plantar forefoot: (a) one pencil-beam run, convolved with
    one LED's irradiance and summed over the pad's 60 LEDs; (b) a direct run launching
    photons from the whole pad's irradiance pattern (its power in rings about the pad's
    centre; the radial tally is then the ring average of the pad's field). The mean
    fluence rate in the nerve's depth band within 20 mm of the centre agrees within three
    combined standard errors (spread over 4 seeds each)."""
    site = load_site("plantar-forefoot")
    stack = site.stack(890.0, skin_type=2)
    grid = Grid(dr_mm=0.5, dz_mm=0.5, nr=101, nz=25)
    edges = np.arange(grid.nr) * grid.dr_mm
    centres = (edges[:-1] + edges[1:]) / 2
    power = ring_power_about(ARRAY.irradiance_W_per_mm2, edges)
    emitters = np.column_stack(ARRAY.emitter_positions_mm())
    total_W = PAD.average_power_W
    theta = (np.arange(72) + 0.5) * 2 * math.pi / 72
    near = centres < 20.0

    def band(values: np.ndarray, z: np.ndarray) -> float:
        rows = values[: near.sum()]
        depth = (z > 6.0) & (z < 9.0)
        weights = centres[near] * grid.dr_mm
        return float((rows[:, depth].mean(axis=1) * weights).sum() / weights.sum())

    summed, direct = [], []
    for seed in range(1, 5):
        common = {"stack": stack, "grid": grid, "photons": 25_000, "seed": seed,
                  "wavelength_nm": 890.0}  # fmt: skip
        pencil = simulate(Simulation(beam=Beam(), **common))
        one = single_emitter_field(pencil, _emitter)
        f1 = one[schema.FLUENCE_RATE_RZ].transpose("r_mm", "z_mm").values[:-1, :-1]
        r = one["r_mm"].values[:-1]
        z = one["z_mm"].values[:-1]
        points = np.column_stack([
            (centres[near][:, None] * np.cos(theta)).ravel(),
            (centres[near][:, None] * np.sin(theta)).ravel(),
        ])  # fmt: skip
        field = array_sum(r, f1, emitters, points) * ARRAY.element_power_W
        ring_mean = field.reshape(near.sum(), theta.size, -1).mean(axis=1)
        summed.append(band(ring_mean, z))
        run = simulate_radial_source(Simulation(beam=Beam(), **common), edges, power)
        values = run[schema.FLUENCE_RATE_RZ].transpose("r_mm", "z_mm").values[:-1, :-1]
        captured = power.sum()  # the pattern's power inside the launch table
        direct.append(band(values * captured, z))
    a, b = np.mean(summed), np.mean(direct)
    se = math.hypot(np.std(summed, ddof=1) / 2, np.std(direct, ddof=1) / 2)
    assert abs(a - b) < 3 * se + 0.01 * b, (a, b, se)
    # the launch table reaches 50 mm: the pad's corners (58 mm) lie partly beyond it
    assert 0.85 * total_W < power.sum() < total_W


def test_array_sum_is_symmetric_and_additive() -> None:
    r = np.linspace(0.0, 40.0, 401)
    f = np.exp(-r / 5.0)
    emitters = np.column_stack(ARRAY.emitter_positions_mm())
    a = array_sum(r, f, emitters, [[3.0, 2.0]])
    b = array_sum(r, f, emitters, [[-3.0, -2.0]])  # the 6 x 10 grid is centro-symmetric
    assert a == pytest.approx(b, rel=1e-12)
    # two pads side by side: the field is the sum of the pads' fields
    shifted = emitters + [100.0, 0.0]
    both = array_sum(r, f, np.vstack([emitters, shifted]), [[50.0, 0.0]])
    assert both == pytest.approx(
        array_sum(r, f, emitters, [[50.0, 0.0]]) + array_sum(r, f, shifted, [[50.0, 0.0]])
    )
