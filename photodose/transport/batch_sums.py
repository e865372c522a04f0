"""The compiled step of the batch reduction (tallies.Accumulator): one batch's tally
added into the running sums. Kept apart from tallies.py so that modules which only
read results (planning's fast path) do not load numba."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def add_batch(
    sums: np.ndarray, squares: np.ndarray, weighted: np.ndarray, tally: np.ndarray, n: float
) -> None:
    """sums += T, squares += T^2, weighted += n T in one pass, with the same roundings
    as the three numpy expressions. Empty entries are skipped: adding 0 changes nothing,
    and one batch on a large voxel grid leaves most voxels empty."""
    for i in range(tally.shape[0]):
        t = tally[i]
        if t != 0.0:
            sums[i] += t
            squares[i] += t * t
            weighted[i] += n * t
