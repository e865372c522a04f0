"""Energy conservation, and the fluence in a layer that does not absorb.

Monte Carlo packets carry weight that is only moved, never created or destroyed, except
by Russian roulette (Wang, Jacques & Zheng 1995, sec. 3.7), which keeps it only in
expectation: a packet below the threshold w_th dies with probability 1 - chi or goes on
with weight w / chi. Without roulette, Rsp + Rd + A + Tt = 1 up to rounding.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from mc_cases import run, slab, tissue

from photodose.specs import Grid, Layer, Roulette, TissueStack
from photodose.transport.result_dataset import bin_measures


def _total(result) -> float:
    return float(
        result.specular_reflectance
        + result.diffuse_reflectance
        + result.absorbed_fraction
        + result.transmittance
    )


def test_energy_conserved_exactly_without_roulette() -> None:
    """Roulette switched off (survival chance 1: a packet below the threshold always
    survives, its weight unchanged): the weight of every packet ends up in Rd, A or Tt,
    so the sum is 1 to rounding."""
    stack = slab(0.5, 10.0, 0.8, 1.4, 0.5)
    result = run(stack, photons=20_000, seed=5, roulette=Roulette(survival_chance=1.0))
    assert abs(_total(result) - 1.0) < 1e-10
    assert result.attrs["lost_packets"] == 0


def test_energy_conserved_in_expectation_with_roulette() -> None:
    """With roulette (MCML defaults w_th 1e-4, chi 0.1) each roulette event changes the
    weight by a zero-mean amount of variance w^2 (1 - chi) / chi <= w_th^2 (1 - chi) / chi,
    and a packet meets at most 1 / (1 - chi) events on average, so the per-photon variance
    is below w_th^2 / chi and the sum's standard error below w_th / sqrt(chi N). Checked
    to 5 such errors (false failure probability below 6e-7). The slab (albedo 0.9, 5 mm)
    absorbs most packets deep inside, so nearly every packet meets roulette."""
    photons = 50_000
    roulette = Roulette()
    result = run(slab(1.0, 9.0, 0.0, 1.4, 5.0), photons=photons, seed=6, roulette=roulette)
    bound = roulette.weight_threshold / math.sqrt(roulette.survival_chance * photons)
    excess = abs(_total(result) - 1.0)
    assert excess < 5.0 * bound
    assert excess > 1e-12  # roulette did act: the sum is not exact


def _sandwich(mua_middle: float) -> TissueStack:
    """Three index-matched layers with equal scattering, the middle one absorbing
    `mua_middle` (0 for a pure scatterer)."""
    outer = tissue(0.2, 10.0, 0.8, 1.4)
    return TissueStack(
        layers=(
            Layer(name="top", thickness_mm=0.4, tissue=outer),
            Layer(name="middle", thickness_mm=0.4, tissue=tissue(mua_middle, 10.0, 0.8, 1.4)),
            Layer(name="bottom", thickness_mm=0.4, tissue=outer),
        )
    )


_SANDWICH_GRID = Grid(dr_mm=0.05, nr=60, dz_mm=0.05, nz=24)
_MIDDLE = slice(8, 16)  # depth bins of the middle layer (0.4-0.8 mm)


def _planar_fluence(result) -> np.ndarray:
    """Fluence rate integrated over the plane, per depth bin (W per W delivered)."""
    grid = _SANDWICH_GRID
    area = 2.0 * np.pi * (np.arange(grid.nr) + 0.5) * grid.dr_mm**2
    return (result.fluence_rate_rz_per_mm2.values * area[:, None]).sum(axis=0)


@pytest.fixture(scope="module")
def clear_middle_runs() -> np.ndarray:
    """Planar fluence by depth from 10 independent runs with a non-absorbing middle
    layer. The spread between runs gives honest errors for quantities summed over many
    bins, whose per-bin errors are correlated."""
    runs = [
        run(_sandwich(0.0), photons=20_000, seed=700 + k, grid=_SANDWICH_GRID) for k in range(10)
    ]
    for result in runs:
        assert np.isfinite(result.fluence_rate_rz_per_mm2.values).all()
        assert float(result.absorbed_fraction_by_layer[1]) == 0.0
    return np.array([_planar_fluence(result) for result in runs])


def _mean_and_se(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / math.sqrt(samples.shape[0])


def test_fluence_in_non_absorbing_layer_is_finite_and_continuous(
    clear_middle_runs: np.ndarray,
) -> None:
    """The collision estimator gives the fluence where mua = 0 (MCML's A / mua cannot):
    finite, positive, and continuous across both boundaries of the non-absorbing layer.
    At each boundary the planar fluence is extrapolated linearly from the two nearest
    depth bins on either side; the jump between the two extrapolations, averaged over 10
    runs, must be within 4 standard errors of the mean (t with 9 degrees of freedom:
    false failure probability 0.3 %) plus 0.5 % of the fluence for curvature (diffusion
    estimate 0.375 mu_eff^2 dz^2 ~ 0.12 %)."""
    assert (clear_middle_runs[:, _MIDDLE] > 0).all()
    for k in (8, 16):  # first bin below each boundary
        above = 1.5 * clear_middle_runs[:, k - 1] - 0.5 * clear_middle_runs[:, k - 2]
        below = 1.5 * clear_middle_runs[:, k] - 0.5 * clear_middle_runs[:, k + 1]
        jump, jump_se = _mean_and_se(above - below)
        level = float(np.mean(above + below) / 2.0)
        assert abs(float(jump)) < 4.0 * float(jump_se) + 0.005 * level


def test_non_absorbing_fluence_is_the_weak_absorption_limit(
    clear_middle_runs: np.ndarray,
) -> None:
    """As mua -> 0 in a layer, the power it absorbs is mua times its volume-integrated
    fluence (A = mua int Phi dV, with Phi changing by a fraction ~ mua x mean path
    ~ 1e-4 here). Independent estimators and runs: the absorption tally of a weakly
    absorbing middle layer (mua 1e-4 /mm, 100 000 photons) against the collision
    fluence integrated over the same layer when it does not absorb (10 runs), within
    3 standard errors."""
    epsilon = 1e-4
    weak = run(_sandwich(epsilon), photons=100_000, seed=8, grid=_SANDWICH_GRID)
    from_absorption = float(weak.absorbed_fraction_by_layer[1]) / epsilon
    absorption_se = float(weak.absorbed_fraction_by_layer_se[1]) / epsilon
    per_run = clear_middle_runs[:, _MIDDLE].sum(axis=1) * _SANDWICH_GRID.dz_mm
    integrated, integrated_se = _mean_and_se(per_run)
    combined = math.hypot(absorption_se, float(integrated_se))
    assert abs(from_absorption - float(integrated)) < 3.0 * combined


def test_bin_measures_are_mcml_conventions() -> None:
    """Annulus area 2 pi (i + 1/2) dr^2 equals pi ((i + 1)^2 - i^2) dr^2 exactly, and the
    solid angles 4 pi sin((j + 1/2) da) sin(da / 2) sum to the hemisphere's 2 pi
    (Wang, Jacques & Zheng 1995, sec. 4.2)."""
    from photodose.specs import Simulation

    simulation = Simulation(stack=slab(1.0, 1.0, 0.0, 1.0, 1.0), grid=Grid(nr=7, na=9, dr_mm=0.3))
    measures = bin_measures(simulation)
    i = np.arange(7)
    assert measures["area"] == pytest.approx(np.pi * ((i + 1) ** 2 - i**2) * 0.09, rel=1e-12)
    assert measures["solid_angle"].sum() == pytest.approx(2.0 * np.pi, rel=1e-12)


def test_fluence_in_clear_layer_is_not_zero() -> None:
    """Light crosses a clear (glass) layer, so the fluence there is not zero: in the
    axial bin the collimated beam alone gives at least (1 - r1) / (pi dr^2) (1 W spread
    over bin 0's disk; multiple reflections and returning light only add)."""
    glass = Layer(name="glass", thickness_mm=1.0, tissue=tissue(0.0, 0.0, 0.0, 1.5))
    stack = TissueStack(layers=(glass, slab(0.1, 10.0, 0.8, 1.4, 1.0).layers[0]))
    grid = Grid(dr_mm=0.5, nr=5, dz_mm=0.25, nz=10)
    result = run(stack, photons=2_000, seed=3, grid=grid)
    r1 = ((1.5 - 1.0) / (1.5 + 1.0)) ** 2
    in_glass = result.fluence_rate_rz_per_mm2.values[0, :4]
    assert (in_glass >= (1.0 - r1) / (np.pi * grid.dr_mm**2)).all()


def test_fluence_across_a_buried_clear_layer_is_flat_and_continuous() -> None:
    """In a clear, index-matched gap between two scattering layers nothing interacts and
    directions do not change, so every crossing adds dz / |cos theta| to each depth bin:
    the laterally integrated fluence is the same in every bin of the gap and continuous
    with the scattering bins beside it (the gradient there is small over one 0.1 mm bin).
    Tolerances: 6 % between gap bins (each bin's standard error is about 1.5 % at 20,000
    photons, so about 4 standard errors) and 10 % at the boundaries (standard error plus
    the gradient over one bin)."""
    medium = tissue(0.1, 10.0, 0.8, 1.4)
    gap = Layer(name="gap", thickness_mm=0.5, tissue=tissue(0.0, 0.0, 0.0, 1.4))
    above = Layer(name="above", thickness_mm=1.0, tissue=medium)
    below = Layer(name="below", thickness_mm=1.0, tissue=medium)
    stack = TissueStack(layers=(above, gap, below), n_below=1.4)
    grid = Grid(dr_mm=0.5, nr=41, dz_mm=0.1, nz=26)
    result = run(stack, photons=20_000, seed=5, grid=grid)
    area = np.pi * (2 * np.arange(grid.nr) + 1) * grid.dr_mm**2
    depth_profile = (result.fluence_rate_rz_per_mm2.values[:-1] * area[:-1, None]).sum(axis=0)
    in_gap = depth_profile[10:15]
    assert in_gap.min() > 0.0
    assert in_gap.max() / in_gap.min() < 1.06
    assert depth_profile[9] == pytest.approx(in_gap.mean(), rel=0.10)
    assert depth_profile[15] == pytest.approx(in_gap.mean(), rel=0.10)
