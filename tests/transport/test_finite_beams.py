"""Finite beams two ways: launch points sampled from the beam profile, or the pencil
result convolved (as MCML's CONV, Wang, Jacques & Zheng 1997). For a laterally
infinite medium both estimate the same bin-averaged densities, and totals do not
depend on the beam."""

from __future__ import annotations

import math

import numpy as np
import pytest
from mc_cases import run, scalar, slab

from photodose.specs import Beam, Grid, Simulation
from photodose.transport import simulate
from photodose.transport.convolution import convolve_dataset

STACK = slab(0.3, 10.0, 0.8, 1.4, 0.5)
GRID = Grid(dr_mm=0.04, nr=100, dz_mm=0.05, nz=10, na=3)
PHOTONS = 100_000
DENSITIES = ("rd_r_per_mm2", "tt_r_per_mm2", "absorbed_rz_per_mm3", "fluence_rate_rz_per_mm2")
BEAMS = [Beam(profile="gaussian", radius_mm=0.8), Beam(profile="flat_top", radius_mm=0.6)]


@pytest.fixture(scope="module")
def pencil():
    return run(STACK, PHOTONS, seed=11, grid=GRID)


def _compared_bins(beam: Beam) -> np.ndarray:
    """Radial bins compared: inside 2.5 mm, far from the 4 mm grid edge (what the pencil
    run put beyond the grid cannot be convolved back in); for a flat top, not the bins
    within 1.5 bins of its edge, where the pencil response's structure finer than a bin
    (single scattering near the axis) is blurred by the convolution."""
    r = (np.arange(GRID.nr) + 0.5) * GRID.dr_mm
    keep = r < 2.5
    if beam.profile == "flat_top":
        keep &= np.abs(r - beam.radius_mm) > 1.5 * GRID.dr_mm
    return keep


@pytest.mark.parametrize("beam", BEAMS, ids=lambda b: b.profile)
def test_sampled_and_convolved_beams_agree(pencil, beam: Beam) -> None:
    """Every compared bin of Rd(r), Tt(r), A(r, z) and fluence(r, z): the normalised
    difference z = (sampled - convolved) / sqrt(se_s^2 + se_c^2) has |z| < 4.5 in every
    bin (about 1700 bins, correlated: a false failure has probability below 1 %) and a
    mean z^2 below 1.5 per quantity (expected 1 or less, as the convolved errors are
    upper bounds), which catches a bias of about 0.7 standard errors spread over bins."""
    sampled = run(STACK, PHOTONS, seed=12, grid=GRID, beam=beam)
    convolved = convolve_dataset(pencil, beam)
    keep = _compared_bins(beam)
    for name in DENSITIES:
        difference = (sampled[name] - convolved[name]).values[keep]
        error = np.hypot(sampled[f"{name}_se"].values, convolved[f"{name}_se"].values)[keep]
        occupied = error > 0
        z = difference[occupied] / error[occupied]
        assert np.abs(z).max() < 4.5, name
        assert np.mean(z**2) < 1.5, name


@pytest.mark.parametrize("beam", BEAMS, ids=lambda b: b.profile)
def test_totals_do_not_depend_on_the_beam(pencil, beam: Beam) -> None:
    """A laterally infinite slab: Rd, A and Tt of a sampled finite beam equal the pencil
    beam's within 3 combined standard errors (independent seeds)."""
    sampled = run(STACK, PHOTONS, seed=13, grid=GRID, beam=beam)
    for name in ("diffuse_reflectance", "absorbed_fraction", "transmittance"):
        (a, a_se), (b, b_se) = scalar(sampled, name), scalar(pencil, name)
        assert abs(a - b) < 3.0 * math.hypot(a_se, b_se), name


def test_convolve_option_runs_pencil_and_convolves() -> None:
    """Simulation(finite_beam="convolve") launches a pencil beam and convolves: the
    result is bit for bit convolve_dataset of the pencil run with the same seed."""
    beam = Beam(profile="flat_top", radius_mm=0.3)
    grid = Grid(dr_mm=0.05, nr=30, dz_mm=0.05, nz=10, na=2)
    base = Simulation(stack=STACK, photons=4_000, seed=5, grid=grid)
    direct = simulate(base.updated({"beam": beam, "finite_beam": "convolve"}))
    by_hand = convolve_dataset(simulate(base), beam)
    for name in by_hand.data_vars:
        assert direct[name].values.tobytes() == by_hand[name].values.tobytes(), name
    assert direct.attrs["convolved_beam"] == by_hand.attrs["convolved_beam"]
    assert '"finite_beam": "convolve"' in direct.attrs["simulation"]
