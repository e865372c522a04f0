"""Invariants of layered Monte Carlo on small random stacks (hypothesis).

Examples are derandomised and every run is seeded, so the suite is deterministic.
Statistical comparisons use 4.5 standard errors: a false failure has probability
7e-6 per comparison, about 2e-3 over the ~300 comparisons of all examples.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mc_cases import fresnel_normal, run, tissue

from photodose.specs import Grid, Layer, OpticalProperties, Roulette, TissueStack

N_SE = 4.5
PHOTONS = 2_000
DZ_MM = 0.05
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)

optical = st.builds(
    OpticalProperties,
    mua_per_mm=st.one_of(st.just(0.0), st.floats(1e-3, 3.0)),
    mus_per_mm=st.floats(0.5, 15.0),
    g=st.floats(-0.9, 0.95),
    n=st.floats(1.0, 1.6),
)


@st.composite
def stacks(draw: st.DrawFn) -> TissueStack:
    """1-3 scattering layers, each a whole number of depth bins thick (0.05-0.3 mm)."""
    count = draw(st.integers(1, 3))
    layers = tuple(
        Layer(name=f"l{k}", thickness_mm=DZ_MM * draw(st.integers(1, 6)), tissue=draw(optical))
        for k in range(count)
    )
    return TissueStack(
        layers=layers, n_above=draw(st.floats(1.0, 1.5)), n_below=draw(st.floats(1.0, 1.5))
    )


GRID = Grid(dr_mm=0.05, nr=20, dz_mm=DZ_MM, nz=40, na=3)
seeds = st.integers(0, 2**32)


@PROPERTY_SETTINGS
@given(stack=stacks(), seed=seeds)
def test_energy_conserved_and_tallies_non_negative(stack: TissueStack, seed: int) -> None:
    """Without roulette (survival chance 1) packets only move weight: Rsp + Rd + A + Tt
    = 1 to rounding; every density and error is finite and non-negative."""
    result = run(stack, PHOTONS, seed, grid=GRID, roulette=Roulette(survival_chance=1.0))
    total = float(
        result.specular_reflectance + result.diffuse_reflectance
        + result.absorbed_fraction + result.transmittance
    )  # fmt: skip
    assert abs(total - 1.0) < 1e-10
    for name, values in result.data_vars.items():
        assert np.isfinite(values.values).all(), name
        assert (values.values >= 0.0).all(), name


@PROPERTY_SETTINGS
@given(stack=stacks(), seed=seeds)
def test_absorption_is_mua_times_fluence(stack: TissueStack, seed: int) -> None:
    """In every bin wholly inside one layer, absorbed power density = mua x fluence rate
    (both tallies add w mua / mu_t and w / mu_t at the same collisions), to rounding."""
    result = run(stack, PHOTONS, seed, grid=GRID)
    absorbed = result.absorbed_rz_per_mm3.values
    fluence = result.fluence_rate_rz_per_mm2.values
    for iz, depth in enumerate(result.z_mm.values[:-1]):  # the last bin is overflow
        if depth > stack.thickness_mm:
            assert (absorbed[:, iz] == 0.0).all() and (fluence[:, iz] == 0.0).all()
            continue
        mua = stack.layers[stack.layer_at(float(depth))].tissue.mua_per_mm
        np.testing.assert_allclose(absorbed[:, iz], mua * fluence[:, iz], rtol=1e-9, atol=0)


@PROPERTY_SETTINGS
@given(
    mua=st.floats(0.1, 5.0),
    thickness=st.floats(0.05, 0.6),
    n=st.floats(1.0, 1.8),
    n_above=st.floats(1.0, 1.5),
    n_below=st.floats(1.0, 1.5),
    seed=seeds,
)
def test_non_scattering_slab_is_beer_lambert_with_fresnel(
    mua: float, thickness: float, n: float, n_above: float, n_below: float, seed: int
) -> None:
    """A purely absorbing slab (mus = 0): with r1, r2 the normal Fresnel reflectances of
    its faces and t = exp(-mua d), Tt = (1 - r1)(1 - r2) t / (1 - r1 r2 t^2) and
    Rd = (1 - r1)^2 r2 t^2 / (1 - r1 r2 t^2) (multiple incoherent reflections; Born &
    Wolf 1.5.2 for r). Each packet leaves whole or is absorbed whole, so the tallies are
    binomial with p = T / (1 - r1): compared within 4.5 binomial standard errors."""
    layer = Layer(name="absorber", thickness_mm=thickness, tissue=tissue(mua, 0.0, 0.0, n))
    stack = TissueStack(layers=(layer,), n_above=n_above, n_below=n_below)
    photons = 5_000
    result = run(stack, photons, seed)
    r1, r2 = fresnel_normal(n_above, n), fresnel_normal(n, n_below)
    t = math.exp(-mua * thickness)
    expected = {
        "transmittance": (1 - r1) * (1 - r2) * t / (1 - r1 * r2 * t * t),
        "diffuse_reflectance": (1 - r1) ** 2 * r2 * t * t / (1 - r1 * r2 * t * t),
    }
    assert float(result.specular_reflectance) == pytest.approx(r1, rel=1e-12)
    for name, value in expected.items():
        p = value / (1 - r1)
        binomial_se = (1 - r1) * math.sqrt(p * (1 - p) / photons)
        assert abs(float(result[name]) - value) <= N_SE * binomial_se + 1e-12, name


def _split(stack: TissueStack, index: int) -> TissueStack:
    layer = stack.layers[index]
    half = layer.thickness_mm / 2.0
    halves = tuple(
        layer.updated({"name": f"{layer.name}{part}", "thickness_mm": half})
        for part in ("a", "b")
    )
    layers = stack.layers[:index] + halves + stack.layers[index + 1 :]
    return stack.updated({"layers": layers})


@PROPERTY_SETTINGS
@given(stack=stacks(), index=st.integers(0, 2), seed=seeds)
def test_splitting_a_layer_changes_nothing(stack: TissueStack, index: int, seed: int) -> None:
    """Splitting a layer into two identical halves changes no physics: Rd, A and Tt of
    independent runs agree within 4.5 combined standard errors."""
    split = _split(stack, index % len(stack.layers))
    whole, halved = run(stack, PHOTONS, seed), run(split, PHOTONS, seed + 1)
    for name in ("diffuse_reflectance", "absorbed_fraction", "transmittance"):
        se = math.hypot(float(whole[f"{name}_se"]), float(halved[f"{name}_se"]))
        assert abs(float(whole[name]) - float(halved[name])) <= N_SE * se + 1e-12, name


@PROPERTY_SETTINGS
@given(stack=stacks(), power=st.integers(-3, 3), seed=seeds)
def test_similarity_under_scaling_by_powers_of_two(
    stack: TissueStack, power: int, seed: int
) -> None:
    """Transport has no intrinsic length: multiplying every length (layers, grid) by s
    and every coefficient by 1 / s gives the same photon histories. With s = 2^k every
    floating-point operation scales exactly, so totals are bit-identical and the radial
    densities scale by exactly 1 / s^2."""
    scale = 2.0**power
    scaled = stack.updated(
        {
            "layers": tuple(
                layer.updated(
                    {
                        "thickness_mm": layer.thickness_mm * scale,
                        "tissue": layer.tissue.updated(
                            {
                                "mua_per_mm": layer.tissue.mua_per_mm / scale,
                                "mus_per_mm": layer.tissue.mus_per_mm / scale,
                            }
                        ),
                    }
                )
                for layer in stack.layers
            )
        }
    )
    grid = GRID.updated({"dr_mm": GRID.dr_mm * scale, "dz_mm": GRID.dz_mm * scale})
    original, similar = run(stack, PHOTONS, seed, grid=GRID), run(scaled, PHOTONS, seed, grid=grid)
    for name in ("diffuse_reflectance", "absorbed_fraction", "transmittance"):
        assert float(original[name]) == float(similar[name]), name
    np.testing.assert_array_equal(
        original.absorbed_fraction_by_layer.values, similar.absorbed_fraction_by_layer.values
    )
    np.testing.assert_array_equal(
        original.rd_r_per_mm2.values, similar.rd_r_per_mm2.values * scale**2
    )
