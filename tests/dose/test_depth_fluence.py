"""fluence_at_depth: the axis bin and disc means of the tallied field, with honest errors."""

from __future__ import annotations

import numpy as np
import pytest

import photodose as pd
from photodose.dose.depth_fluence import depth_profile
from photodose.errors import BadInputError


def slab_result(seed: int = 1, photons: int = 3000) -> pd.Simulation:
    tissue = pd.OpticalProperties(mua_per_mm=0.5, mus_per_mm=5.0, g=0.8, n=1.37)
    stack = pd.TissueStack(layers=[pd.Layer(name="slab", thickness_mm=2.0, tissue=tissue)])
    grid = pd.Grid(dr_mm=0.2, dz_mm=0.2, nr=12, nz=12)
    return pd.simulate(pd.Simulation(stack=stack, grid=grid, photons=photons, seed=seed))


@pytest.fixture(scope="module")
def result():
    return slab_result()


def test_axis_value_is_the_first_radial_bin_at_bin_centres(result):
    fluence = result.fluence_rate_rz_per_mm2
    se = result.fluence_rate_rz_per_mm2_se
    for k in (0, 3, 10):
        z = float(result.z_mm[k])
        value, error = pd.fluence_at_depth(result, z)
        assert value == pytest.approx(float(fluence.isel(r_mm=0, z_mm=k)), rel=1e-12)
        assert error == pytest.approx(float(se.isel(r_mm=0, z_mm=k)), rel=1e-12)


def test_between_centres_the_value_is_linear(result):
    z0, z1 = float(result.z_mm[2]), float(result.z_mm[3])
    a, _ = pd.fluence_at_depth(result, z0)
    b, _ = pd.fluence_at_depth(result, z1)
    middle, _ = pd.fluence_at_depth(result, 0.25 * z0 + 0.75 * z1)
    assert middle == pytest.approx(0.25 * a + 0.75 * b, rel=1e-12)


def test_disc_mean_is_the_area_weighted_mean_of_the_annuli(result):
    k = 4
    z = float(result.z_mm[k])
    ring_area = np.pi * ((np.arange(1, 4) * 0.2) ** 2 - (np.arange(3) * 0.2) ** 2)
    column = result.fluence_rate_rz_per_mm2.isel(z_mm=k).values[:3]
    expected = (column * ring_area).sum() / ring_area.sum()
    value, _ = pd.fluence_at_depth(result, z, radius_mm=0.6)
    assert value == pytest.approx(expected, rel=1e-12)
    # half of the fourth annulus: weight by the area it shares with the disc
    partial = np.pi * (0.7**2 - 0.6**2)
    column4 = result.fluence_rate_rz_per_mm2.isel(z_mm=k).values[:4]
    expected = ((column * ring_area).sum() + column4[3] * partial) / (np.pi * 0.7**2)
    assert pd.fluence_at_depth(result, z, radius_mm=0.7)[0] == pytest.approx(expected, rel=1e-12)


def test_accessor_and_profile_agree_with_the_function(result):
    z = float(result.z_mm[5])
    assert result.photodose.fluence_at_depth(z, 1.0) == pd.fluence_at_depth(result, z, 1.0)
    profile = depth_profile(result, radius_mm=1.0)
    assert profile.sizes["z_mm"] == result.sizes["z_mm"] - 1  # overflow bin left out
    assert float(profile.fluence_rate_per_mm2.isel(z_mm=5)) == pytest.approx(
        pd.fluence_at_depth(result, z, 1.0)[0], rel=1e-12
    )


def test_the_error_bound_covers_the_spread_over_seeds():
    """The reported SE of a disc mean adds the bins' SEs (an upper bound for correlated
    bins): over 12 seeds the spread of the value must not exceed it (and is of its order)."""
    z, radius = 0.9, 1.0
    values, errors = zip(*(pd.fluence_at_depth(slab_result(seed, 2000), z, radius)
                           for seed in range(1, 13)), strict=True)  # fmt: skip
    spread = float(np.std(values, ddof=1))
    bound = float(np.mean(errors))
    assert spread < 1.5 * bound  # 12 samples: the sample SD scatters by about 20 %
    assert spread > 0.2 * bound


@pytest.mark.parametrize(
    ("z", "radius", "fragment"),
    [
        (-0.1, None, "z_mm = -0.1"),
        (2.3, None, "overflow"),
        (1.0, 2.3, "radius_mm = 2.3"),
        (1.0, 0.0, "radius_mm = 0.0"),
    ],
)
def test_outside_the_usable_grid_is_refused(result, z, radius, fragment):
    with pytest.raises(BadInputError, match=fragment.replace(".", r"\.")):
        pd.fluence_at_depth(result, z, radius)
