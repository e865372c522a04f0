"""The compiled batch reductions against plain numpy: the running sums of the batch
statistics (batch_sums.add_batch), the mean and standard error from them
(batch_sums.mean_and_error), and the voxel kernel's marginals, tallied as it goes."""

from __future__ import annotations

import numpy as np
import pytest

from photodose.specs import OpticalProperties
from photodose.specs.volume import Medium, Slab, Sphere, Volume
from photodose.specs.voxel_simulation import TimeGates, VoxelSimulation, VoxelSource
from photodose.transport.batch_sums import add_batch
from photodose.transport.tallies import Accumulator
from photodose.transport.voxel import VoxelRun
from photodose.transport.voxel_kernel import QUEUE_ABOVE


class _Batch:
    """A batch's tallies, one array named "t", as the accumulator takes them."""

    def __init__(self, tally: np.ndarray) -> None:
        self.counts = np.zeros(3, dtype=np.int64)
        self.tally = tally

    def with_marginals(self) -> dict[str, np.ndarray]:
        return {"t": self.tally}

def test_add_batch_matches_the_numpy_expressions_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    sums, squares, weighted = (rng.random(1000) for _ in range(3))
    tally = rng.random(1000) * (rng.random(1000) < 0.3)  # mostly empty, as a voxel batch
    expected = (sums + tally, squares + tally * tally, weighted + 137 * tally)
    add_batch(sums, squares, weighted, tally, 137.0)
    for got, want in zip((sums, squares, weighted), expected, strict=True):
        assert np.array_equal(got, want)


def test_accumulator_keeps_shapes_and_gives_the_batch_spread() -> None:
    """Three batches of a 2-D tally: the mean and the standard error are those computed
    directly from the per-photon batch values."""
    batches = [np.array([[1.0, 0.0], [2.0, 4.0]]), np.array([[3.0, 0.0], [2.0, 0.0]]),
               np.array([[2.0, 0.0], [2.0, 8.0]])]  # fmt: skip

    accumulator = Accumulator()
    for tally in batches:
        accumulator.add(_Batch(tally), 10)
    per_photon = np.stack(batches) / 10.0
    assert accumulator.mean("t").shape == (2, 2)
    np.testing.assert_allclose(accumulator.mean("t"), per_photon.mean(axis=0), rtol=1e-15)
    # atol: a constant entry's zero spread comes out as the square root of a rounding
    np.testing.assert_allclose(accumulator.standard_error("t"),
                               per_photon.std(axis=0, ddof=1) / np.sqrt(3),
                               rtol=1e-12, atol=1e-8)  # fmt: skip


def test_mean_and_error_match_the_numpy_expressions_bit_for_bit() -> None:
    rng = np.random.default_rng(6)

    accumulator = Accumulator()
    for n in (40, 41, 40, 39, 40):
        accumulator.add(_Batch(rng.random((3, 4, 5)) * (rng.random((3, 4, 5)) < 0.6)), n)
    mean, error = accumulator.mean_and_error("t", 0.25)
    assert np.array_equal(mean, accumulator.mean("t") * 0.25)
    assert np.array_equal(error, accumulator.standard_error("t") * 0.25)


def test_unequal_batches_give_the_weighted_spread() -> None:
    """Batches of different sizes (where sum n_b T_b is kept as a sum of its own): the
    standard error is sqrt(B / (B - 1) sum (n_b / N)^2 (T_b / n_b - m)^2), and a large
    tally (kept in plain pages) gives the same numbers as a small one."""
    rng = np.random.default_rng(7)
    sizes = (30, 30, 31, 29, 30)
    tallies = [rng.random(600_000) for _ in sizes]

    class Batch:
        def __init__(self, tally: np.ndarray) -> None:
            self.counts = np.zeros(3, dtype=np.int64)
            self.tally = tally

        def with_marginals(self) -> dict[str, np.ndarray]:
            return {"big": self.tally, "small": self.tally[:10]}

    accumulator = Accumulator()
    for tally, n in zip(tallies, sizes, strict=True):
        accumulator.add(Batch(tally), n)
    n_all = sum(sizes)
    m = sum(tallies) / n_all
    direct = np.sqrt(len(sizes) / (len(sizes) - 1) * sum(
        (n / n_all) ** 2 * (t / n - m) ** 2 for t, n in zip(tallies, sizes, strict=True)))
    np.testing.assert_allclose(accumulator.standard_error("big"), direct, rtol=1e-9)
    mean, error = accumulator.mean_and_error("big")
    np.testing.assert_allclose(mean, m, rtol=1e-14)
    assert np.array_equal(error, accumulator.standard_error("big"))
    assert np.array_equal(error[:10], accumulator.standard_error("small"))


@pytest.mark.parametrize("dims", [(12, 10, 16), (66, 64, 64)])
def test_voxel_kernel_marginals_equal_the_sums_of_its_fluence(dims: tuple[int, int, int]) -> None:
    """The per-depth and per-medium sums the kernel tallies as it goes are the sums of
    its per-voxel fluence (over time gates), whatever voxels the packets visited: on a
    small grid added into directly, on a large one (over QUEUE_ABOVE voxels x gates)
    through the queue of additions."""
    skin = OpticalProperties(mua_per_mm=0.3, mus_per_mm=12.0, g=0.8, n=1.4)
    vessel = OpticalProperties(mua_per_mm=2.0, mus_per_mm=20.0, g=0.9, n=1.37)
    volume = Volume(
        media=(Medium(name="skin", optics=skin), Medium(name="vessel", optics=vessel)),
        voxel_mm=0.25, dims=dims,
        shapes=(Slab(label=1, start_mm=0.0, end_mm=3.5),
                Sphere(label=2, center_mm=(1.5, 1.25, 1.5), radius_mm=0.6)),
    )  # fmt: skip
    simulation = VoxelSimulation(
        volume=volume, photons=300, batches=2,
        source=VoxelSource(kind="disk", position_mm=(1.5, 1.25, 0.0), radius_mm=0.5),
        time_gates=TimeGates(start_s=0.0, end_s=3e-11, width_s=1e-11),
    )  # fmt: skip
    run = VoxelRun.prepare(simulation)
    tallies = run.run_photons(0, 300)
    cw = tallies.fluence.sum(axis=0)
    assert cw.sum() > 0.0 and tallies.fluence.shape[0] == 3
    assert (tallies.fluence.size > QUEUE_ABOVE) == (dims[0] > 12)
    labels = run.labels.ravel()
    np.testing.assert_allclose(tallies.fluence_z, cw.sum(axis=(0, 1)), rtol=1e-12)
    np.testing.assert_allclose(tallies.fluence_by_label,
                               np.bincount(labels, weights=cw.ravel(), minlength=3),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(tallies.absorbed_by_label,
                               np.bincount(labels, weights=(cw * run.mua[run.labels]).ravel(),
                                           minlength=3), rtol=1e-12)  # fmt: skip
