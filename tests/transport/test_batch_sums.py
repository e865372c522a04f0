"""The compiled batch reductions against plain numpy: the running sums of the batch
statistics (batch_sums.add_batch) and the voxel marginals (voxel_kernel.marginals)."""

from __future__ import annotations

import numpy as np

from photodose.transport.batch_sums import add_batch
from photodose.transport.tallies import Accumulator
from photodose.transport.voxel_kernel import marginals


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

    class Batch:
        def __init__(self, tally: np.ndarray) -> None:
            self.counts = np.zeros(3, dtype=np.int64)
            self.tally = tally

        def with_marginals(self) -> dict[str, np.ndarray]:
            return {"t": self.tally}

    accumulator = Accumulator()
    for tally in batches:
        accumulator.add(Batch(tally), 10)
    per_photon = np.stack(batches) / 10.0
    assert accumulator.mean("t").shape == (2, 2)
    np.testing.assert_allclose(accumulator.mean("t"), per_photon.mean(axis=0), rtol=1e-15)
    # atol: a constant entry's zero spread comes out as the square root of a rounding
    np.testing.assert_allclose(accumulator.standard_error("t"),
                               per_photon.std(axis=0, ddof=1) / np.sqrt(3),
                               rtol=1e-12, atol=1e-8)  # fmt: skip


def test_marginals_match_bincount_and_plane_sums() -> None:
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 4, size=(6, 5, 7)).astype(np.uint8)
    fluence = rng.random((6, 5, 7)) * (rng.random((6, 5, 7)) < 0.5)
    mua = np.array([0.0, 0.1, 0.3, 2.0])
    absorbed, by_label, plane = np.zeros(4), np.zeros(4), np.zeros(7)
    marginals(fluence, labels, mua, absorbed, by_label, plane)
    flat = labels.ravel()
    absorbed_np = np.bincount(flat, weights=(fluence * mua[labels]).ravel(), minlength=4)
    np.testing.assert_allclose(absorbed, absorbed_np, rtol=1e-13)
    np.testing.assert_allclose(by_label, np.bincount(flat, weights=fluence.ravel(), minlength=4),
                               rtol=1e-13)  # fmt: skip
    np.testing.assert_allclose(plane, fluence.sum(axis=(0, 1)), rtol=1e-13)
