"""Backend parity: the plain scalar kernel of benchmarks/plain_kernel.py (MCML's algorithm
written the plain way, its own spin and boundary code) and the production kernel agree on
the same cases within statistical error. The two draw their random numbers in different
orders, so agreement is statistical, not bit for bit."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import photodose as pd
from photodose.transport.boundaries import specular_reflectance
from photodose.transport.layered import LayerArrays

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
from plain_kernel import run_photons_plain  # noqa: E402

PHOTONS = 20_000
# a difference of two independent estimates: sigma = sqrt(se_a^2 + se_b^2) ~ sqrt(2) se
SIGMAS = 4.0


def layer(name: str, mua: float, mus: float, g: float, d_mm: float, n: float) -> pd.Layer:
    tissue = pd.OpticalProperties(mua_per_mm=mua, mus_per_mm=mus, g=g, n=n)
    return pd.Layer(name=name, thickness_mm=d_mm, tissue=tissue)


CASES = {
    # MCML 1.2.2's example.mci in mm: three layers, n 1.37
    "mcml example": pd.TissueStack(
        layers=[
            layer("layer 1", 0.1, 10.0, 0.9, 1.0, 1.37),
            layer("layer 2", 0.1, 1.0, 0.0, 1.0, 1.37),
            layer("layer 3", 0.2, 1.0, 0.7, 2.0, 1.37),
        ]
    ),
    # a thin, strongly absorbing matched slab (van de Hulst's classic, n 1)
    "classic slab": pd.TissueStack(layers=[layer("slab", 1.0, 9.0, 0.75, 0.2, 1.0)]),
    # a mismatched skin-like two-layer stack
    "skin on fat": pd.TissueStack(
        layers=[layer("skin", 0.05, 20.0, 0.9, 1.5, 1.4), layer("fat", 0.01, 10.0, 0.9, 5.0, 1.44)]
    ),
}


def plain_totals(simulation: pd.Simulation) -> dict[str, float]:
    arrays = LayerArrays.from_stack(simulation.stack)
    rsp, launch_layer = specular_reflectance(simulation.stack)
    grid = simulation.grid
    rd_ra, tt_ra = np.zeros((grid.nr, grid.na)), np.zeros((grid.nr, grid.na))
    a_rz, a_layer = np.zeros((grid.nr, grid.nz)), np.zeros(len(simulation.stack.layers) + 2)
    run_photons_plain(
        0, simulation.photons, simulation.seed, arrays.z_top, arrays.z_bottom, arrays.mua,
        arrays.mus, arrays.g, arrays.n, 1.0 - rsp, launch_layer, grid.dr_mm, grid.dz_mm,
        grid.da_rad, simulation.roulette.weight_threshold, simulation.roulette.survival_chance,
        rd_ra, tt_ra, a_rz, a_layer,
    )  # fmt: skip
    n = simulation.photons
    totals = {
        "diffuse_reflectance": rd_ra.sum() / n,
        "transmittance": tt_ra.sum() / n,
        "absorbed_fraction": a_layer.sum() / n,
    }
    for index in range(1, len(simulation.stack.layers) + 1):
        totals[f"layer {index}"] = a_layer[index] / n
    return totals


@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_and_production_kernels_agree(case: str) -> None:
    simulation = pd.Simulation(
        stack=CASES[case], photons=PHOTONS, seed=11, grid=pd.Grid(nr=20, nz=20), batches=20
    )
    production = pd.simulate(simulation, workers=1)
    plain = plain_totals(simulation)
    by_layer = production["absorbed_fraction_by_layer"]
    by_layer_se = production["absorbed_fraction_by_layer_se"]
    expected = {
        name: (float(production[name]), float(production[f"{name}_se"]))
        for name in ("diffuse_reflectance", "transmittance", "absorbed_fraction")
    }
    for index in range(len(CASES[case].layers)):
        expected[f"layer {index + 1}"] = (float(by_layer[index]), float(by_layer_se[index]))
    for name, (value, se) in expected.items():
        if value == 0.0 and se == 0.0:
            assert plain[name] == 0.0, name
            continue
        tolerance = SIGMAS * math.sqrt(2.0) * se
        assert abs(plain[name] - value) <= tolerance, (case, name, plain[name], value, se)
    # energy is conserved (roulette adds or removes weight only at random, unbiased)
    rsp = float(production["specular_reflectance"])
    total = plain["diffuse_reflectance"] + plain["transmittance"] + plain["absorbed_fraction"]
    assert total + rsp == pytest.approx(1.0, abs=2e-3)
