"""The compiled steps of the batch reduction (tallies.Accumulator): one batch's tally
added into the running sums, and the mean and standard error from the sums, each one
pass (a voxel grid's tallies hold millions of entries). Kept apart from tallies.py so
that modules which only read results (planning's fast path) do not load numba."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def add_batch(
    sums: np.ndarray, squares: np.ndarray, weighted: np.ndarray, tally: np.ndarray, n: float
) -> None:
    """sums += T, squares += T^2, weighted += n T in one pass, with the same roundings
    as the three numpy expressions (weighted empty: not kept). Empty entries are skipped:
    adding 0 changes nothing, and one batch on a large voxel grid leaves most voxels
    empty."""
    keep_weighted = weighted.shape[0] > 0
    for i in range(tally.shape[0]):
        t = tally[i]
        if t != 0.0:
            sums[i] += t
            squares[i] += t * t
            if keep_weighted:
                weighted[i] += n * t


@njit(cache=True, nogil=True)
def mean_and_error(
    sums: np.ndarray, squares: np.ndarray, weighted: np.ndarray,
    batch_size: float, photons: float, photons_squared: float, factor: float, scale: float,
    mean: np.ndarray, error: np.ndarray,
) -> None:  # fmt: skip
    """mean = sums / N x scale and error = sqrt(factor max(spread, 0) / N^2) x scale,
    spread = squares - 2 m weighted + m^2 sum n_b^2 with m = sums / N: the expressions of
    Accumulator.mean and .standard_error, with their roundings, without temporaries.
    An empty `weighted` stands for batch_size x sums (batches all of that size)."""
    n2 = photons * photons
    keep_weighted = weighted.shape[0] > 0
    for i in range(sums.shape[0]):
        m = sums[i] / photons
        mean[i] = m * scale
        w = weighted[i] if keep_weighted else batch_size * sums[i]
        spread = squares[i] - 2.0 * m * w + m * m * photons_squared
        error[i] = math.sqrt(factor * max(spread, 0.0) / n2) * scale
