"""The voxel engine in sweeps: cells run in the site's 3-D model, with the cell's seed and
the sweep's photons; the same numbers on no cluster and on two workers, equal to the
model's own nerve dose computed directly; specs the engine cannot run are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sweep_cases import assert_bit_identical

from photodose.devices.library import load_device
from photodose.errors import BadInputError
from photodose.planning.geometry import model_per_watt
from photodose.sweep import sweep
from photodose.sweep.cell import MW_PER_CM2_PER_W_PER_MM2, prepare_cell
from photodose.sweep.spec import parse_sweep

RATE = "nerve_fluence_rate_mW_per_cm2_per_W"
VOXEL = parse_sweep({"sweep": {
    "seed": 3, "engine": "voxel", "photons": 1500,
    "grid": {"site": ["medial-ankle-tibial"], "device": ["808nm-laser-probe"],
             "skin_type": [2, 5]},
}})  # fmt: skip


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # this process's voxel runs are computed, not read from an earlier test's cache (the
    # workers keep theirs: a cached run is the same numbers, stored as float64)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_no_cluster_and_two_workers_agree_bit_for_bit(two_workers: Any, tmp_path: Path) -> None:
    here = sweep(VOXEL, tmp_path / "here.zarr", workers=0)
    there = sweep(VOXEL, tmp_path / "there.zarr", client=two_workers)
    assert here.cells_computed == there.cells_computed == 2
    assert_bit_identical(here.dataset, there.dataset)
    rates = here.dataset[RATE].values.ravel()
    assert (rates > 0).all() and rates[0] != rates[1]  # skin type moves the dose
    assert (here.dataset["nerve_fluence_rate_se_mW_per_cm2_per_W"].values > 0).all()


def test_a_cell_is_the_models_nerve_dose_with_the_cells_seed(tmp_path: Path) -> None:
    run = sweep(VOXEL, tmp_path / "one.zarr", workers=0)
    coords = {"site": "medial-ankle-tibial", "device": "808nm-laser-probe", "skin_type": 5}
    work = prepare_cell(coords, VOXEL.seed, VOXEL.photons)
    site = work.site.updated(**{"model.photons": VOXEL.photons * len(work.simulations),
                                "model.seed": work.simulations[0].seed})  # fmt: skip
    direct = model_per_watt(site, load_device("808nm-laser-probe"), 5, workers=1)
    value = float(run.dataset[RATE].sel(coords).values)
    assert value == direct.nerve_mean * MW_PER_CM2_PER_W_PER_MM2


def test_specs_the_voxel_engine_cannot_run_are_refused() -> None:
    grid = {"site": ["wrist-median"], "device": ["808nm-laser-probe"]}
    with pytest.raises(BadInputError, match=r"wrist-median.*no 3-D model"):
        parse_sweep({"sweep": {"engine": "voxel", "grid": grid}})
    with pytest.raises(BadInputError, match=r"at least 1000"):
        parse_sweep({"sweep": {"engine": "voxel", "photons": 500, "grid": {
            "site": ["medial-ankle-tibial"], "device": ["808nm-laser-probe"]}}})
    with pytest.raises(BadInputError, match=r"at most 3,333,333 per wavelength"):
        parse_sweep({"sweep": {"engine": "voxel", "photons": 4_000_000, "grid": {
            "site": ["medial-ankle-tibial"], "device": ["890nm-led-pad"]}}})
    with pytest.raises(BadInputError, match=r"population"):
        parse_sweep({"sweep": {"engine": "voxel", "population": {
            "site": "medial-ankle-tibial", "device": "808nm-laser-probe", "time_s": 60,
            "patients": 4}}})
