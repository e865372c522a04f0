"""The reported standard errors are honest: over independent seeds the spread of a
result matches its reported error (chi-square test), and convolved errors, which are
documented as upper bounds, are not smaller than the spread."""

from __future__ import annotations

import numpy as np
import pytest
from mc_cases import slab
from scipy import stats

from photodose.specs import Beam, Grid, Simulation
from photodose.transport import simulate
from photodose.transport.convolution import convolve_dataset

RUNS = 60
BASE = Simulation(
    stack=slab(0.5, 10.0, 0.8, 1.4, 0.5),
    photons=3_000,
    batches=20,
    seed=0,
    grid=Grid(dr_mm=0.05, nr=40, dz_mm=0.05, nz=12, na=3),
)
BEAM = Beam(profile="gaussian", radius_mm=0.4)


@pytest.fixture(scope="module")
def runs() -> list:
    return [simulate(BASE.updated({"seed": 9000 + k}), workers=1) for k in range(RUNS)]


def _variance_ratio(results: list, name: str, index: tuple = ()) -> float:
    """(K - 1) s^2 / mean(se^2): chi-square with K - 1 degrees of freedom when the
    reported errors are right (their own noise, 19 degrees of freedom each averaged
    over K runs, is negligible)."""
    values = np.array([float(result[name].values[index]) for result in results])
    errors = np.array([float(result[f"{name}_se"].values[index]) for result in results])
    return (len(values) - 1) * values.var(ddof=1) / np.mean(errors**2)


# totals, a reflectance bin near the axis and an absorbed-power bin
QUANTITIES = [
    ("diffuse_reflectance", ()),
    ("transmittance", ()),
    ("absorbed_fraction", ()),
    ("rd_r_per_mm2", (2,)),
    ("absorbed_rz_per_mm3", (1, 3)),
]


@pytest.mark.parametrize(("name", "index"), QUANTITIES)
def test_spread_over_seeds_matches_reported_error(runs: list, name: str, index: tuple) -> None:
    """Over 60 seeds, (K - 1) s^2 / mean(se^2) lies within the central 99.9 % of
    chi-square(59): the reported errors are right to within about +-40 %. False failure
    probability 0.1 % per quantity."""
    ratio = _variance_ratio(runs, name, index)
    low, high = stats.chi2.ppf([0.0005, 0.9995], RUNS - 1)
    assert low < ratio < high


@pytest.mark.parametrize(
    ("name", "index"), [("rd_r_per_mm2", (3,)), ("absorbed_rz_per_mm3", (3, 2))]
)
def test_convolved_errors_are_upper_bounds(runs: list, name: str, index: tuple) -> None:
    """After convolution with a Gaussian beam the reported errors are documented upper
    bounds: the spread over 60 seeds must not exceed them (one-sided chi-square, 99.9 %
    quantile: false failure probability below 0.1 %)."""
    convolved = [convolve_dataset(result, BEAM) for result in runs]
    ratio = _variance_ratio(convolved, name, index)
    assert ratio < stats.chi2.ppf(0.999, RUNS - 1)
