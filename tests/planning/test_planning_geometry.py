"""The nerve dose in a site's 3-D model (photodose.planning.geometry).

References: the layered Monte Carlo engine (photodose.transport.layered, itself checked
against MCML) on the same layers; the physics of a strongly absorbing blood vessel
between the skin and the nerve (it shades the nerve)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from geometry_cases import ARTERY, model_site

import photodose as pd
from photodose.dose.nerve_dose import dose_at_nerve
from photodose.planning.geometry import _reduce, model_per_watt, model_source
from photodose.planning.light import light_field, transport_beam
from photodose.specs.voxel_simulation import VoxelSimulation
from photodose.tissue.site_volume import model_volume
from photodose.transport.voxel import simulate_voxel

PROBE = "808nm-laser-probe"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # every test computes its voxel runs (a cached result from elsewhere proves nothing)
    monkeypatch.setenv("PHOTODOSE_CACHE_DIR", str(tmp_path / "cache"))


def test_without_vessels_the_3d_nerve_dose_agrees_with_the_layered_engine() -> None:
    """Same layers, nerve optically its surroundings: the voxel run's nerve mean (2 mm of
    nerve through the spot) against the layered Monte Carlo's cross-section mean on the
    beam's axis, within 3 combined standard errors (3-D about 3 %, layered about 8 %
    at these photon counts). Known biases, both small against that: the 2 mm band (about
    -1 %) and the light leaving the block's sides (about 4 % of the source, mostly far
    from the nerve)."""
    site = model_site()
    device = pd.load_device(PROBE)
    in_3d = model_per_watt(site, device, 2, vessels=False)
    layered = light_field(site, device, 2, method="monte_carlo", photons=50_000, seed=5)
    reference = dose_at_nerve(layered, 1.0, 1.0, transport_beam(device), 8.0, 3.0)
    # per J/cm^2 at 1 W for 1 s -> W/mm^2 per W
    assert reference.target_fluence_se_J_per_cm2 is not None and in_3d.nerve_se > 0
    ref = reference.target_fluence_J_per_cm2 / 100
    ref_se = reference.target_fluence_se_J_per_cm2 / 100
    combined = float(np.hypot(ref_se, in_3d.nerve_se))
    assert abs(in_3d.nerve_mean - ref) < 3.0 * combined, (in_3d.nerve_mean, ref, combined)
    assert in_3d.lost_fraction < 0.08


def test_a_vessel_over_the_nerve_lowers_its_dose() -> None:
    """Blood absorbs ~20 x more than nerve at 808 nm (Prahl's haemoglobin spectra): a
    2.5 mm artery between the skin and the nerve shades it, so the nerve's mean fluence
    falls, by more than 3 combined standard errors; far from the beam it changes little."""
    site = model_site(vessels=(ARTERY,))
    device = pd.load_device(PROBE)
    without = model_per_watt(site, device, 2, vessels=False)
    shaded = model_per_watt(site, device, 2, vessels=True)
    combined = float(np.hypot(without.nerve_se, shaded.nerve_se))
    assert without.nerve_mean - shaded.nerve_mean > 3.0 * combined
    aside = model_site(vessels=(ARTERY.model_copy(update={"offset_mm": 16.0}),))
    far = model_per_watt(aside, device, 2, vessels=True)
    assert abs(far.nerve_mean - without.nerve_mean) < (without.nerve_mean - shaded.nerve_mean)


def test_same_seed_gives_bit_identical_numbers_on_one_and_two_threads() -> None:
    site = model_site(vessels=(ARTERY,), photons=4_000, width_mm=20.0, length_mm=20.0)
    device = pd.load_device(PROBE)
    source, segment = model_source(site, device)
    volume = model_volume(site, 808.0, 2, segment_mm=segment)
    run = VoxelSimulation(volume=volume, source=source, photons=4_000, seed=7,
                          wavelength_nm=808.0)  # fmt: skip
    assert site.model is not None
    one = _reduce(simulate_voxel(run, workers=1), site.model)
    two = _reduce(simulate_voxel(run, workers=2), site.model)
    assert one.keys() == two.keys()
    for name in one:
        np.testing.assert_array_equal(one[name], two[name], err_msg=name)
    # and through the planner's entry point (no cache: tmp folder per test)
    a = model_per_watt(site, device, 2, workers=1)
    b = model_per_watt(site, device, 2, workers=2)
    assert (a.nerve_mean, a.nerve_se) == (b.nerve_mean, b.nerve_se)
    np.testing.assert_array_equal(a.slice_values, b.slice_values)


def test_a_3d_model_is_opt_in_and_refused_where_there_is_none() -> None:
    site = model_site(photons=4_000)
    layers = pd.plan(site, PROBE)
    assert layers.geometry == "layers" and layers.model_dose is None
    in_3d = pd.plan(site, PROBE, geometry="3d")
    assert in_3d.geometry == "3d" and in_3d.model_dose is not None
    # the search stays on the layered model: same setting, layered number shown beside
    assert (in_3d.power_W, in_3d.time_per_spot_s) == (layers.power_W, layers.time_per_spot_s)
    assert in_3d.model_dose.layered_J_per_cm2 == layers.nerve_fluence_J_per_cm2
    with pytest.raises(ValueError, match="geometry.*'layers' only: site 'wrist-median' has no 3-D"):
        pd.plan("wrist-median", PROBE, geometry="3d")
