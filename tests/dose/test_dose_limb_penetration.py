"""The "NIR penetrates 2 to 7 cm" check on a real Monte Carlo run.

A limb-like stack at 850 nm with optical properties from Cassano et al. 2019,
Neurophotonics 6:015004, Table 1 (850 nm column): skin mus' 2.043, mua 0.04; fat mus'
1.064, mua 0.00071; muscle mus' 0.667, mua 0.03 (1/mm); g 0.9 (mus = mus' / (1 - g)),
n 1.4. Epidermis + dermis 1.6 mm, fat 5 mm, muscle 30 mm. Broad flat-top beam,
radius 30 mm (on-axis values within about 5 % of a 45 mm beam's at 20-30 mm depth).

Independent reference: deep in the muscle, diffusion theory predicts the fluence to
fall as exp(-mu_eff z) with mu_eff = sqrt(3 mua (mua + mus')) = 0.250 1/mm (e.g.
Jacques & Pogue 2008, J Biomed Opt 13:041302). The slope of the Monte Carlo
on-axis profile between 12 and 28 mm must match within 8 % (a finite beam and the
layer boundaries make it a little steeper). The depths where the fluence falls to 1 %
of the incident irradiance then follow, and lie within a few cm.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import photodose as pd
from photodose.dose.depth import axial_fluence_rate, penetration_depths

G = 0.9
MUSCLE_MUA, MUSCLE_MUSP = 0.03, 0.667
BEAM = pd.Beam(profile="flat_top", radius_mm=30.0)
AXIS_BINS = 10  # r < 10 mm on a 1 mm radial grid


def _tissue(musp: float, mua: float) -> pd.OpticalProperties:
    return pd.OpticalProperties(mua_per_mm=mua, mus_per_mm=musp / (1.0 - G), g=G, n=1.4)


@pytest.fixture(scope="module")
def limb():
    stack = pd.TissueStack(
        layers=(
            pd.Layer(name="skin", thickness_mm=1.6, tissue=_tissue(2.043, 0.04)),
            pd.Layer(name="fat", thickness_mm=5.0, tissue=_tissue(1.064, 0.00071)),
            pd.Layer(name="muscle", thickness_mm=30.0, tissue=_tissue(MUSCLE_MUSP, MUSCLE_MUA)),
        )
    )
    simulation = pd.Simulation(
        stack=stack,
        beam=BEAM,
        photons=200_000,
        seed=2024,
        grid=pd.Grid(dr_mm=1.0, dz_mm=0.5, nr=60, nz=80),
        batches=16,
        wavelength_nm=850.0,
    )
    return pd.simulate(simulation)


@pytest.mark.slow
def test_muscle_decay_matches_diffusion_theory(limb) -> None:
    mu_eff = math.sqrt(3.0 * MUSCLE_MUA * (MUSCLE_MUA + MUSCLE_MUSP))
    axial = axial_fluence_rate(limb, AXIS_BINS)
    z = axial["z_mm"].values
    deep = (z >= 12.0) & (z <= 28.0)
    slope = -np.polyfit(z[deep], np.log(axial.values[deep]), 1)[0]
    assert slope == pytest.approx(mu_eff, rel=0.08)


@pytest.mark.slow
def test_one_percent_depth_is_a_few_cm_not_seven(limb) -> None:
    depths = penetration_depths(limb, BEAM, axis_bins=AXIS_BINS)
    assert 2.0 < depths.surface_to_incident_ratio < 8.0  # backscatter build-up
    ten, one = depths.depth_mm(0.1, "incident"), depths.depth_mm(0.01, "incident")
    assert ten is not None and 10.0 < ten < 20.0
    assert one is not None and 20.0 < one < 32.0
    assert depths.depth_mm(0.01, "surface") < one
    # at 30 mm the on-axis fluence rate is already below 1 % of the incident irradiance,
    # and the decay continues: nothing "useful" arrives at 5-7 cm
    axial = axial_fluence_rate(limb, AXIS_BINS)
    at_30mm = float(axial.interp(z_mm=30.0)) / depths.incident_irradiance_per_mm2
    assert at_30mm < 0.01
