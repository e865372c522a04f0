"""Raw tally arrays of one batch, and their ordered reduction into means and errors.

Batches are reduced in batch order, so the sums do not depend on which thread ran
which batch. Standard errors come from the spread between batches: with T_b the tally
of batch b (n_b photons) and m = sum T_b / N, the variance of the mean is
B / (B - 1) * sum (n_b / N)^2 (T_b / n_b - m)^2, which is std / sqrt(B) for equal batches.
Marginals (Rd(r), A(z), totals...) are reduced as tallies of their own, because the
error of a sum needs the per-batch sums.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

# counts[] slots, as the kernel fills them (layered_kernel.COUNT_*)
COUNT_SLOTS = 3


class Tallies(Protocol):
    """What a batch hands to the accumulator (layered BatchTallies, voxel VoxelTallies)."""

    counts: np.ndarray

    def with_marginals(self) -> dict[str, np.ndarray]: ...


@dataclass
class BatchTallies:
    """What the kernel adds into for one batch."""

    rd_ra: np.ndarray
    tt_ra: np.ndarray
    a_rz: np.ndarray
    f_rz: np.ndarray
    a_layer: np.ndarray
    counts: np.ndarray
    capped: np.ndarray  # [weight of packets stopped at the step cap]

    @classmethod
    def zeros(cls, nr: int, nz: int, na: int, n_layers: int) -> BatchTallies:
        return cls(
            rd_ra=np.zeros((nr, na)),
            tt_ra=np.zeros((nr, na)),
            a_rz=np.zeros((nr, nz)),
            f_rz=np.zeros((nr, nz)),
            a_layer=np.zeros(n_layers + 2),
            counts=np.zeros(COUNT_SLOTS, dtype=np.int64),
            capped=np.zeros(1),
        )

    def with_marginals(self) -> dict[str, np.ndarray]:
        """Every quantity reported with an error: raw tallies and their sums."""
        return {
            "rd_ra": self.rd_ra,
            "rd_r": self.rd_ra.sum(axis=1),
            "rd_a": self.rd_ra.sum(axis=0),
            "rd": np.array(self.rd_ra.sum()),
            "tt_ra": self.tt_ra,
            "tt_r": self.tt_ra.sum(axis=1),
            "tt_a": self.tt_ra.sum(axis=0),
            "tt": np.array(self.tt_ra.sum()),
            "a_rz": self.a_rz,
            "a_z": self.a_rz.sum(axis=0),
            "f_rz": self.f_rz,
            "a_layer": self.a_layer[1:-1],
            "a": np.array(self.a_layer.sum()),
            "capped": np.array(self.capped[0]),
        }


_NONE = np.zeros(0)
# Above this size a running sum is allocated as plain anonymous memory: numpy asks the
# kernel for transparent huge pages for large arrays, and on this machine (a VM) a
# process's first touch of fresh huge pages costs ~2 ms/MB, three times its 4 kB pages,
# while the sums are read in order and gain nothing from huge pages.
_PLAIN_PAGES_BYTES = 1 << 22


def _zeros(shape: tuple[int, ...]) -> np.ndarray:
    size = int(np.prod(shape, dtype=np.int64))
    if size * 8 < _PLAIN_PAGES_BYTES:
        return np.zeros(shape)
    return np.frombuffer(mmap.mmap(-1, size * 8), dtype=np.float64).reshape(shape)


@dataclass
class Accumulator:
    """Sums of T_b, T_b^2 and n_b T_b per named tally, fed batches in order. While every
    batch holds the same n photons, sum n_b T_b is n sum T_b and is not kept."""

    photons: int = 0
    photons_squared: int = 0
    batches: int = 0
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Event counts, as many slots as the engine's batches carry (layered or voxel)."""
    sums: dict[str, np.ndarray] = field(default_factory=dict)
    squares: dict[str, np.ndarray] = field(default_factory=dict)
    weighted: dict[str, np.ndarray] = field(default_factory=dict)
    batch_size: int = 0
    """Photons per batch while they are all equal (0 before the first, -1 once they
    differ: from then on `weighted` holds sum n_b T_b)."""

    def add(self, batch: Tallies, n_photons: int) -> None:
        from photodose.transport.batch_sums import add_batch  # numba: Monte Carlo runs only

        if self.batch_size == 0:
            self.batch_size = n_photons
        elif self.batch_size > 0 and n_photons != self.batch_size:
            for name, sums in self.sums.items():
                self.weighted[name] = self.batch_size * sums
            self.batch_size = -1
        self.photons += n_photons
        self.photons_squared += n_photons * n_photons
        self.batches += 1
        if self.counts.size == 0:
            self.counts = np.zeros_like(batch.counts)
        self.counts += batch.counts
        for name, tally in batch.with_marginals().items():
            if name not in self.sums:
                self.sums[name] = _zeros(np.shape(tally))
                self.squares[name] = _zeros(np.shape(tally))
                if self.batch_size < 0:
                    self.weighted[name] = _zeros(np.shape(tally))
            flat = np.ascontiguousarray(tally, dtype=np.float64).reshape(-1)
            weighted = self.weighted[name].reshape(-1) if self.batch_size < 0 else _NONE
            add_batch(self.sums[name].reshape(-1), self.squares[name].reshape(-1),
                      weighted, flat, float(n_photons))  # fmt: skip

    def _weighted(self, name: str) -> np.ndarray:
        """sum n_b T_b."""
        if self.batch_size < 0:
            return self.weighted[name]
        return self.batch_size * self.sums[name]

    def mean(self, name: str) -> np.ndarray:
        """Tally per launched photon."""
        return self.sums[name] / self.photons

    def mean_and_error(
        self, name: str, scale: float = 1.0, out: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """mean(name) x scale and standard_error(name) x scale, in one compiled pass,
        into `out` (two float64 arrays of the tally's shape) when given."""
        from photodose.transport.batch_sums import mean_and_error

        if self.batches < 2:
            return self.mean(name) * scale, np.full_like(self.sums[name], np.nan)
        mean, error = out or (np.empty_like(self.sums[name]), np.empty_like(self.sums[name]))
        weighted = self.weighted[name].reshape(-1) if self.batch_size < 0 else _NONE
        mean_and_error(self.sums[name].reshape(-1), self.squares[name].reshape(-1),
                       weighted, float(max(self.batch_size, 0)), float(self.photons),
                       float(self.photons_squared), self.batches / (self.batches - 1),
                       float(scale), mean.reshape(-1), error.reshape(-1))  # fmt: skip
        return mean, error

    def standard_error(self, name: str) -> np.ndarray:
        if self.batches < 2:
            return np.full_like(self.sums[name], np.nan)
        n = float(self.photons)
        m = self.sums[name] / n
        spread = self.squares[name] - 2.0 * m * self._weighted(name) + m * m * self.photons_squared
        variance = self.batches / (self.batches - 1) * np.maximum(spread, 0.0) / (n * n)
        return np.sqrt(variance)
