"""Per-photon random streams: photon i's numbers depend only on (seed, i).

xoshiro256** (Blackman & Vigna 2021, ACM Trans Math Softw 47:36) gives 53-bit doubles;
each photon's 256-bit state is filled by splitmix64 (Steele, Lea & Flood 2014, OOPSLA)
from the seed and the photon index. So a photon draws the same numbers whichever
thread, worker or batch runs it, and a seed fixes every result bit for bit. (MCML's
ran3 returns floats and is biased in many-scattering cases: see docs/validation.md.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _splitmix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def seed_photon(state: np.ndarray, seed: int, photon_index: int) -> None:
    """Fill `state` (4 x uint64) for photon `photon_index` of the run seeded by `seed`."""
    z = _splitmix64(np.uint64(seed) + _GOLDEN) ^ (np.uint64(photon_index) * _MIX2)
    for i in range(4):
        z = z + _GOLDEN
        state[i] = _splitmix64(z)


@njit(cache=True, inline="always")
def uniform(state: np.ndarray) -> float:
    """A double in [0, 1) with 53 random bits."""
    s0 = state[0]
    s1 = state[1]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 = state[2] ^ s0
    s3 = state[3] ^ s1
    state[1] = s1 ^ s2
    state[0] = s0 ^ s3
    state[2] = s2 ^ t
    state[3] = _rotl(s3, 45)
    return float(result >> np.uint64(11)) * _TWO_TO_MINUS_53
