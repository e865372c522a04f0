"""Sweeps on a real Dask cluster of worker processes: identical with no cluster, 1 and 2
workers; a killed worker changes nothing; an interrupted sweep resumes with only the
missing cells; each cell equals the planner's own light field measured at the nerve."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sweep_cases import ISSUE_SPEC_TOML, assert_bit_identical, small

import photodose as pd
from photodose.errors import BadInputError
from photodose.planning.light import light_field, transport_beam
from photodose.sweep import SweepProgress, sweep
from photodose.sweep.cell import cell_seed
from photodose.sweep.spec import parse_sweep

ISSUE = parse_sweep(tomllib.loads(ISSUE_SPEC_TOML))
MC = small(ISSUE)
FAST = small(ISSUE, engine="fast")
RATE = "nerve_fluence_rate_mW_per_cm2_per_W"


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The reference: the small Monte Carlo sweep with no cluster."""
    return sweep(MC, tmp_path_factory.mktemp("ref") / "ref.zarr", workers=0)


def test_dataset_has_the_swept_dimensions_and_units(in_process: Any) -> None:
    ds = in_process.dataset
    assert ds[RATE].dims == ("site", "device", "skin_type")
    assert list(ds["site"].values) == ["wrist-median", "medial-ankle-tibial"]
    assert list(ds["skin_type"].values) == [2, 5]
    for name in ds.data_vars:
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    assert ds["done"].values.all()
    assert np.isfinite(ds[RATE].values).all() and (ds[RATE].values > 0).all()
    # Monte Carlo cells carry a standard error; 3 LED wavelengths x 600 photons
    assert np.isfinite(ds[RATE.replace("_rate_", "_rate_se_")].values).all()
    assert ds["photons"].sel(device="890nm-led-pad").values.ravel().tolist() == [1800.0] * 4


def test_cell_equals_the_planners_monte_carlo_field(in_process: Any) -> None:
    """A cell's batches reduced by the sweep equal the planner's own simulate() run with
    the cell's seed, measured at the nerve: bit for bit."""
    cell = {"site": "medial-ankle-tibial", "device": "890nm-led-pad", "skin_type": 5}
    site, device = pd.load_site(cell["site"]), pd.load_device(cell["device"])
    light = light_field(site, device, 5, "monte_carlo", photons=600, seed=cell_seed(11, cell))
    # the planner batches min(photons, 64): run this one cell with that batching
    grid = {name: [value] for name, value in cell.items()}
    spec = small(ISSUE, batches=64, batches_per_task=16, grid=grid)
    run = sweep(spec, in_process.path.parent / "one.zarr", workers=0)
    expected = pd.dose_at_nerve(light, 1.0, 1.0, transport_beam(device), site.nerve.depth_mm,
                                site.nerve.diameter_mm).target_fluence_rate_mW_per_cm2  # fmt: skip
    assert float(run.dataset[RATE].values.ravel()[0]) == expected


def test_fast_engine_equals_the_planners_fast_path(tmp_path: Path) -> None:
    run = sweep(FAST, tmp_path / "fast.zarr", workers=0)
    ds = run.dataset
    for cell in FAST.grid.cells():
        site, device = pd.load_site(cell["site"]), pd.load_device(cell["device"])
        light = light_field(site, device, cell["skin_type"], "diffusion")
        expected = pd.dose_at_nerve(light, 1.0, 1.0, transport_beam(device),
                                    site.nerve.depth_mm, site.nerve.diameter_mm)  # fmt: skip
        assert float(ds[RATE].sel(cell).values) == expected.target_fluence_rate_mW_per_cm2
    assert np.isnan(ds[RATE.replace("_rate_", "_rate_se_")].values).all()


def test_wavelength_axis_moves_the_devices_emission(tmp_path: Path) -> None:
    grid = {"site": ["wrist-median"], "device": ["890nm-led-pad"], "wavelength_nm": [660, 980]}
    spec = parse_sweep({"sweep": {"engine": "fast", "grid": grid}})
    ds = sweep(spec, tmp_path / "wavelengths.zarr", workers=0).dataset
    assert ds[RATE].dims == ("site", "device", "wavelength_nm", "skin_type")
    site = pd.load_site("wrist-median")
    for wavelength in (660.0, 980.0):
        device = pd.load_device("890nm-led-pad").updated(**{"emission.peak_nm": wavelength})
        light = light_field(site, device, 2, "diffusion")
        expected = pd.dose_at_nerve(light, 1.0, 1.0, transport_beam(device),
                                    site.nerve.depth_mm, site.nerve.diameter_mm)  # fmt: skip
        value = float(ds[RATE].sel(wavelength_nm=wavelength).values.item())
        assert value == expected.target_fluence_rate_mW_per_cm2
    # the emission really moved: the two wavelengths' optics differ
    assert ds[RATE].sel(wavelength_nm=660.0).item() != ds[RATE].sel(wavelength_nm=980.0).item()


def test_listed_cells_equal_the_same_grid_cells(in_process: Any, tmp_path: Path) -> None:
    cells = [{"site": "medial-ankle-tibial", "device": "890nm-led-pad", "skin_type": 5},
             {"site": "wrist-median", "device": "808nm-laser-probe"}]  # fmt: skip
    spec = small(ISSUE, grid=None, cells=cells)
    ds = sweep(spec, tmp_path / "list.zarr", workers=0).dataset
    assert ds[RATE].dims == ("cell",)
    assert list(ds["site"].values) == ["medial-ankle-tibial", "wrist-median"]
    assert list(ds["skin_type"].values) == [5, 2]
    for i, cell in enumerate(cells):
        grid_value = in_process.dataset[RATE].sel({"skin_type": 2} | cell).values
        assert ds[RATE].values[i].tobytes() == grid_value.tobytes()


def test_bit_identical_on_one_and_two_workers(
    in_process: Any, one_worker: Any, two_workers: Any, tmp_path: Path
) -> None:
    for name, client in (("one", one_worker), ("two", two_workers)):
        run = sweep(MC, tmp_path / f"{name}.zarr", client=client)
        assert run.cells_computed == 8
        assert_bit_identical(run.dataset, in_process.dataset)


def test_workers_run_single_threaded(two_workers: Any) -> None:
    env = two_workers.run(lambda: os.environ.get("NUMBA_NUM_THREADS"))
    assert set(env.values()) == {"1"}
    threads = {w["nthreads"] for w in two_workers.scheduler_info()["workers"].values()}
    assert threads == {1}


# Run in an interpreter of its own: after the whole suite, state that earlier tests leave
# in this process (event loops) can break distributed's client when a worker dies, which
# is not what this test is about.
KILLED_WORKER_SCRIPT = """
import os, signal, sys, time, tomllib
sys.path.insert(0, sys.argv[2])
from sweep_cases import ISSUE_SPEC_TOML, small
from photodose.sweep import sweep
from photodose.sweep.runner import dask_client
from photodose.sweep.spec import parse_sweep

mc = small(parse_sweep(tomllib.loads(ISSUE_SPEC_TOML)))
with dask_client(2, None) as (client, _, _):
    before = client.run(os.getpid)
    killed, lost = [], []

    def kill_one(state):
        # after the first cell, with others in flight, kill a worker process outright
        if state.cells_done == 1 and not killed:
            address, pid = sorted(before.items())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            lost.append(address)

    sweep(mc, sys.argv[1], client=client, progress=kill_one)
    assert killed
    # the scheduler may list the dead worker for a while: wait for two live workers
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        addresses = set(client.scheduler_info()["workers"])
        if len(addresses) == 2 and lost[0] not in addresses:
            break
        time.sleep(0.5)
    after = client.run(os.getpid)
    assert len(after) == 2 and lost[0] not in after and killed[0] not in after.values()
    print("killed", killed[0], "replaced by", sorted(after.values()))
"""


def test_killed_worker_is_replaced_and_the_result_is_unchanged(
    in_process: Any, tmp_path: Path
) -> None:
    import subprocess
    import sys

    import xarray as xr

    out = tmp_path / "killed.zarr"
    here = Path(__file__).resolve().parent
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER_SCRIPT, str(out), str(here)],
        capture_output=True, text=True, timeout=600,
        env=os.environ | {"PYTHONPATH": str(here.parents[1])},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "killed" in done.stdout and "replaced by" in done.stdout
    with xr.open_zarr(out, consolidated=False) as killed_run:
        assert_bit_identical(killed_run.load(), in_process.dataset)


class Interrupted(Exception):
    pass


def test_interrupted_sweep_resumes_with_only_the_missing_cells(
    in_process: Any, two_workers: Any, tmp_path: Path
) -> None:
    out = tmp_path / "resumed.zarr"

    def stop_after_three(state: SweepProgress) -> None:
        if state.cells_done == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        sweep(MC, out, workers=0, progress=stop_after_three)
    computed: list[int] = []
    run = sweep(MC, out, client=two_workers,
                progress=lambda s: computed.append(s.cells_done - s.cells_skipped))  # fmt: skip
    assert (run.cells_skipped, run.cells_computed) == (3, 5)
    assert computed[-1] == 5
    assert_bit_identical(run.dataset, in_process.dataset)
    # a third run finds nothing to do
    again = sweep(MC, out, workers=0)
    assert (again.cells_skipped, again.cells_computed) == (8, 0)


def test_a_store_of_another_spec_is_refused(in_process: Any) -> None:
    other = parse_sweep(MC.model_dump(mode="json") | {"seed": 12})
    with pytest.raises(BadInputError, match="different sweep"):
        sweep(other, in_process.path, workers=0)


def test_unreachable_scheduler_and_too_many_workers_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="--scheduler.*no Dask scheduler answers"):
        sweep(MC, tmp_path / "nowhere.zarr", scheduler="tcp://127.0.0.1:9")
    with pytest.raises(BadInputError, match="--workers"):
        sweep(MC, tmp_path / "many.zarr", workers=100_000)
    with pytest.raises(BadInputError, match="--workers"):
        sweep(MC, tmp_path / "negative.zarr", workers=-1)


def test_scheduler_from_the_environment(
    in_process: Any, two_workers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHOTODOSE_DASK_SCHEDULER", two_workers.scheduler.address)
    run = sweep(MC, tmp_path / "env.zarr")
    assert run.scheduler == two_workers.scheduler.address
    assert_bit_identical(run.dataset, in_process.dataset)
