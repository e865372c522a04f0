"""Run a layered-tissue Monte Carlo simulation: spec in, labelled dataset out.

Photons are split into a fixed number of batches (set by the spec, not by the machine);
worker threads run batches through the compiled kernel, which releases the GIL, and
the batches are reduced in order. So a seed gives the same numbers, bit for bit, on
one thread or many.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from photodose.specs import Beam, Simulation, TissueStack
from photodose.transport import layered_kernel as kernel
from photodose.transport.batches import batch_bounds, run_ordered
from photodose.transport.boundaries import clear_entry_weight, specular_reflectance
from photodose.transport.result_dataset import build_dataset
from photodose.transport.tallies import Accumulator, BatchTallies

ProgressCallback = Callable[[int, int], None]
"""Called as progress(photons_done, photons_total) after each batch."""

_BEAM_KINDS = {"pencil": kernel.BEAM_PENCIL, "gaussian": kernel.BEAM_GAUSSIAN,
               "flat_top": kernel.BEAM_FLAT_TOP}


@dataclass(frozen=True)
class LayerArrays:
    """The stack as the kernel sees it: nl + 2 entries, ambient media at both ends."""

    z_top: np.ndarray
    z_bottom: np.ndarray
    mua: np.ndarray
    mus: np.ndarray
    g: np.ndarray
    n: np.ndarray

    @classmethod
    def from_stack(cls, stack: TissueStack) -> LayerArrays:
        bounds = stack.boundaries_mm
        layers = stack.layers
        inf = np.inf
        return cls(
            z_top=np.array([-inf, *bounds[:-1], bounds[-1]]),
            z_bottom=np.array([0.0, *bounds[1:], inf]),
            mua=np.array([0.0, *(l.tissue.mua_per_mm for l in layers), 0.0]),
            mus=np.array([0.0, *(l.tissue.mus_per_mm for l in layers), 0.0]),
            g=np.array([0.0, *(l.tissue.g for l in layers), 0.0]),
            n=np.array([stack.n_above, *(l.tissue.n for l in layers), stack.n_below]),
        )


@dataclass(frozen=True)
class RunStats:
    elapsed_s: float
    photons: int
    scatterings: int
    workers: int

    @property
    def photons_per_s(self) -> float:
        return self.photons / self.elapsed_s if self.elapsed_s > 0 else float("inf")

    @property
    def scatterings_per_s(self) -> float:
        return self.scatterings / self.elapsed_s if self.elapsed_s > 0 else float("inf")


@dataclass(frozen=True)
class LayeredRun:
    """A simulation prepared for the kernel: one object runs any of its batches."""

    simulation: Simulation
    beam: Beam
    arrays: LayerArrays
    launch_weight: float
    launch_layer: int
    clear_entry: float

    @classmethod
    def prepare(cls, simulation: Simulation, beam: Beam | None = None) -> LayeredRun:
        """`beam` overrides the launch profile (a pencil for convolved beams)."""
        rsp, launch_layer = specular_reflectance(simulation.stack)
        return cls(
            simulation=simulation,
            beam=beam or simulation.beam,
            arrays=LayerArrays.from_stack(simulation.stack),
            launch_weight=1.0 - rsp,
            launch_layer=launch_layer,
            clear_entry=clear_entry_weight(simulation.stack),
        )

    @property
    def bounds(self) -> list[tuple[int, int]]:
        return batch_bounds(self.simulation.photons, self.simulation.batch_count)

    def run_photons(self, first: int, count: int) -> BatchTallies:
        """Tallies of photons first .. first + count - 1 (depend on nothing else)."""
        simulation, grid, arrays = self.simulation, self.simulation.grid, self.arrays
        tallies = BatchTallies.zeros(grid.nr, grid.nz, grid.na, len(simulation.stack.layers))
        kernel.run_photons(
            first, count, simulation.seed,
            arrays.z_top, arrays.z_bottom, arrays.mua, arrays.mus, arrays.g, arrays.n,
            self.launch_weight, self.launch_layer, self.clear_entry,
            _BEAM_KINDS[self.beam.profile], self.beam.radius_mm,
            grid.dr_mm, grid.dz_mm, grid.da_rad,
            simulation.roulette.weight_threshold, simulation.roulette.survival_chance,
            tallies.rd_ra, tallies.tt_ra, tallies.a_rz, tallies.f_rz, tallies.a_layer,
            tallies.counts,
        )  # fmt: skip
        return tallies

    def run_batch(self, index: int) -> tuple[BatchTallies, int]:
        """Batch `index`'s tallies and its photon count."""
        first, count = self.bounds[index]
        return self.run_photons(first, count), count


def launch_beam(simulation: Simulation) -> Beam:
    """The beam photons are launched with: a pencil when the finite beam is convolved."""
    convolve = simulation.finite_beam == "convolve" and simulation.beam.profile != "pencil"
    return Beam() if convolve else simulation.beam


def run_batch(simulation: Simulation, index: int) -> tuple[BatchTallies, int]:
    """Batch `index` of `simulation` on its own (a task for a thread or a Dask worker):
    its tallies and photon count. Reduce batches in index order with `batches.reduce`
    and label them with `finish` to get `simulate`'s dataset bit for bit."""
    return LayeredRun.prepare(simulation, launch_beam(simulation)).run_batch(index)


def finish(simulation: Simulation, accumulator: Accumulator) -> xr.Dataset:
    """The labelled result of a simulation from its reduced batches."""
    rsp, _ = specular_reflectance(simulation.stack)
    dataset = build_dataset(simulation, accumulator, rsp)
    if launch_beam(simulation) is not simulation.beam:
        from photodose.transport.convolution import convolve_dataset

        dataset = convolve_dataset(dataset, simulation.beam)
    return dataset


def run_tallies(
    simulation: Simulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    beam: Beam | None = None,
) -> tuple[Accumulator, RunStats]:
    """Run every batch on a thread pool and reduce in batch order; `beam` overrides the
    launch profile."""
    workers = workers or os.cpu_count() or 1
    prepared = LayeredRun.prepare(simulation, beam)
    prepared.run_photons(0, 0)  # load or compile the kernel before the clock starts
    accumulator = Accumulator()
    done = 0

    def add(_: int, result: tuple[BatchTallies, int]) -> None:
        nonlocal done
        accumulator.add(*result)
        done += result[1]
        if progress is not None:
            progress(done, simulation.photons)

    started = time.perf_counter()
    run_ordered(range(simulation.batch_count), prepared.run_batch, workers, add)
    stats = RunStats(
        elapsed_s=time.perf_counter() - started,
        photons=simulation.photons,
        scatterings=int(accumulator.counts[kernel.COUNT_SCATTERINGS]),
        workers=workers,
    )
    return accumulator, stats


def simulate(
    simulation: Simulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> xr.Dataset:
    """Run `simulation` and return its labelled result, normalised per watt delivered."""
    dataset, _ = simulate_with_stats(simulation, workers=workers, progress=progress)
    return dataset


def simulate_with_stats(
    simulation: Simulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[xr.Dataset, RunStats]:
    """As `simulate`, also returning timing (kept out of the dataset, which is exact)."""
    accumulator, stats = run_tallies(simulation, workers, progress, beam=launch_beam(simulation))
    return finish(simulation, accumulator), stats
