"""A seed fixes the result bit for bit, whatever the threads, the order in which
batches run, or the Python hash seed; different seeds give different numbers."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import xarray as xr
from mc_cases import slab

from photodose.specs import Beam, Grid, Simulation
from photodose.transport import layered, simulate
from photodose.transport import layered_kernel as kernel
from photodose.transport.batches import batch_bounds
from photodose.transport.result_dataset import build_dataset
from photodose.transport.tallies import Accumulator, BatchTallies

SIMULATION = Simulation(
    stack=slab(0.3, 8.0, 0.85, 1.4, 0.6),
    photons=6_000,
    seed=424242,
    batches=12,
    grid=Grid(dr_mm=0.05, nr=30, dz_mm=0.05, nz=20, na=4),
)


def assert_bit_identical(first: xr.Dataset, second: xr.Dataset) -> None:
    assert set(first.data_vars) == set(second.data_vars)
    for name in first.data_vars:
        a, b = first[name].values, second[name].values
        assert a.tobytes() == b.tobytes(), name
    assert first.attrs == second.attrs


def test_same_seed_same_bits_on_one_or_two_threads() -> None:
    """Photon i draws from a stream fixed by (seed, i) and batches are reduced in batch
    order, so one thread and two threads give the same bits."""
    assert_bit_identical(simulate(SIMULATION, workers=1), simulate(SIMULATION, workers=2))


def test_same_seed_same_bits_for_convolved_beams() -> None:
    """The convolution path inherits the pencil run's reproducibility."""
    convolved = SIMULATION.updated(
        {"beam": Beam(profile="gaussian", radius_mm=0.3), "finite_beam": "convolve"}
    )
    assert_bit_identical(simulate(convolved, workers=1), simulate(convolved, workers=2))


def test_batches_run_in_any_order_give_the_same_bits() -> None:
    """Run every batch through the kernel in reverse order, reduce in batch order: the
    dataset equals simulate()'s bit for bit, so a batch depends on nothing but the seed
    and its photon range (no state carried between batches)."""
    stack, grid = SIMULATION.stack, SIMULATION.grid
    arrays = layered.LayerArrays.from_stack(stack)
    rsp, launch_layer = layered.specular_reflectance(stack)
    bounds = batch_bounds(SIMULATION.photons, SIMULATION.batch_count)
    tallies = {}
    for first, count in reversed(bounds):
        batch = BatchTallies.zeros(grid.nr, grid.nz, grid.na, len(stack.layers))
        kernel.run_photons(
            first, count, SIMULATION.seed,
            arrays.z_top, arrays.z_bottom, arrays.mua, arrays.mus, arrays.g, arrays.n,
            1.0 - rsp, launch_layer, layered.clear_entry_weight(stack), kernel.BEAM_PENCIL, 0.0,
            np.zeros(2), np.zeros(2), grid.dr_mm, grid.dz_mm, grid.da_rad,
            SIMULATION.roulette.weight_threshold, SIMULATION.roulette.survival_chance,
            layered.MAX_STEPS_PER_PHOTON,
            batch.rd_ra, batch.tt_ra, batch.a_rz, batch.f_rz, batch.a_layer, batch.counts,
            batch.capped,
        )  # fmt: skip
        tallies[first] = (batch, count)
    accumulator = Accumulator()
    for first, _ in bounds:
        accumulator.add(*tallies[first])
    expected = build_dataset(SIMULATION, accumulator, rsp, layered.MAX_STEPS_PER_PHOTON)
    assert_bit_identical(expected, simulate(SIMULATION))


def test_different_seeds_give_different_numbers() -> None:
    """Independent streams: every total and most bins differ between two seeds."""
    first = simulate(SIMULATION, workers=1)
    second = simulate(SIMULATION.updated({"seed": SIMULATION.seed + 1}), workers=1)
    for name in ("diffuse_reflectance", "transmittance", "absorbed_fraction"):
        assert float(first[name]) != float(second[name])
    occupied = first.absorbed_rz_per_mm3.values > 0
    differing = first.absorbed_rz_per_mm3.values != second.absorbed_rz_per_mm3.values
    assert differing[occupied].mean() > 0.9


_DIGEST_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_reproducibility import SIMULATION
from photodose.transport import simulate
result = simulate(SIMULATION, workers=2)
digest = hashlib.sha256()
for name in sorted(result.data_vars):
    digest.update(result[name].values.tobytes())
print(digest.hexdigest())
"""


def _digest_in_subprocess(hash_seed: str) -> str:
    script = _DIGEST_SCRIPT.format(tests=str(Path(__file__).parent))
    environment = dict(os.environ, PYTHONHASHSEED=hash_seed)
    completed = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    return completed.stdout.strip().splitlines()[-1]


def test_result_independent_of_python_hash_seed() -> None:
    """Nothing depends on dict or set ordering of strings: two interpreters with
    different PYTHONHASHSEED produce the same bits as this one."""
    result = simulate(SIMULATION, workers=1)
    digest = hashlib.sha256()
    for name in sorted(result.data_vars):
        digest.update(np.ascontiguousarray(result[name].values).tobytes())
    here = digest.hexdigest()
    assert _digest_in_subprocess("1") == here
    assert _digest_in_subprocess("2718281") == here


def test_public_batches_reduced_in_order_equal_simulate() -> None:
    """run_batch per index (as a Dask worker would, in any order), reduce in index order,
    finish: the dataset equals simulate()'s bit for bit, also for a convolved beam."""
    from photodose.transport import finish, reduce, run_batch

    convolved = SIMULATION.updated(
        {"beam": Beam(profile="gaussian", radius_mm=0.3), "finite_beam": "convolve"}
    )
    for simulation in (SIMULATION, convolved):
        indices = list(range(simulation.batch_count))
        results = {b: run_batch(simulation, b) for b in reversed(indices)}
        dataset = finish(simulation, reduce(results[b] for b in indices))
        assert_bit_identical(dataset, simulate(simulation))
