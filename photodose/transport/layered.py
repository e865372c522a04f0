"""Run a layered-tissue Monte Carlo simulation: spec in, labelled dataset out.

Photons are split into a fixed number of batches (set by the spec, not by the machine);
worker threads run batches through the compiled kernel, which releases the GIL, and
the batches are reduced in order. So a seed gives the same numbers, bit for bit, on
one thread or many.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import xarray as xr

from photodose.errors import BadInputError, ResourceLimitError
from photodose.specs import Beam, Simulation, TissueStack
from photodose.transport import layered_kernel as kernel
from photodose.transport.batches import batch_bounds, run_and_reduce
from photodose.transport.boundaries import clear_entry_weight, specular_reflectance
from photodose.transport.grid_coverage import warn_grid_coverage
from photodose.transport.progress_bar import ProgressCallback, photon_bar
from photodose.transport.result_dataset import build_dataset
from photodose.transport.tallies import Accumulator, BatchTallies

_NO_TABLE = np.zeros(2)
_BEAM_KINDS = {"pencil": kernel.BEAM_PENCIL, "gaussian": kernel.BEAM_GAUSSIAN,
               "flat_top": kernel.BEAM_FLAT_TOP}

# A packet alive after this many steps is stopped and its weight reported (`capped_*`
# attributes). In tissue (mua >= 0.001/mm, mus <= 100/mm, albedo <= 0.99999) weight
# falls below roulette's threshold long before: 0.99999^1e6 = 5e-5. Only a layer that
# scatters but does not absorb reaches it, where a packet's random walk has no finite
# mean duration (MCML's semi-infinite 1e8 cm layer with mua = 0).
MAX_STEPS_PER_PHOTON = 1_000_000


def resolve_workers(workers: int | None, what: str = "workers") -> int:
    """Threads to use: all cores by default; at most the number of cores (more threads
    than cores only add overhead, and results do not depend on the count); fewer than
    1 is refused with a BadInputError naming `what`."""
    cores = os.cpu_count() or 1
    if workers is None:
        return cores
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BadInputError(what, workers, f"must be a whole number >= 1 (this machine has "
                            f"{cores} core(s); leave it out to use them all)")
    return min(workers, cores)


def available_memory_bytes() -> int | None:
    """Memory the system can give without swapping (Linux MemAvailable), else the
    physical memory; None where neither is known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return None


def tally_memory_bytes(simulation: Simulation, workers: int) -> int:
    """Memory a run needs for its tallies, estimated before anything is allocated.

    A batch holds Rd(r, a), Tt(r, a), A(r, z) and fluence(r, z) (8-byte floats); up to
    2 x workers batches are in flight (batches.run_ordered); the accumulator keeps three
    sums per tally, the batch being added makes its marginals, and the result holds a
    mean and an error per tally, once more when a finite beam is convolved."""
    grid = simulation.grid
    per_batch = 8 * (2 * grid.nr * grid.na + 2 * grid.nr * grid.nz)
    copies = 2 * workers + 3 + 1 + 2 + (2 if simulation.finite_beam == "convolve" else 0)
    return per_batch * copies


def check_memory(simulation: Simulation, workers: int) -> None:
    """ResourceLimitError, naming the grid and the size in GB, when a run's tallies would
    need more memory than the machine has available (checked before allocating)."""
    needed = tally_memory_bytes(simulation, workers)
    available = available_memory_bytes()
    if available is not None and needed > available:
        grid = simulation.grid
        raise ResourceLimitError(
            "grid", f"nr = {grid.nr}, nz = {grid.nz}, na = {grid.na}",
            f"its tallies need about {needed / 1e9:.1f} GB with {workers} worker(s); "
            f"{available / 1e9:.1f} GB are available: use fewer bins (or fewer workers)",
        )  # fmt: skip


def _validated(simulation: Simulation) -> Simulation:
    """Validate again: a variant made with `model_copy(update=...)` skips validation,
    and an API user may hand one in (mua = -1 would otherwise give Rd = 3e10)."""
    if not isinstance(simulation, Simulation):
        raise BadInputError("simulation", type(simulation).__name__, "must be a Simulation")
    return Simulation.model_validate(simulation.model_dump())


def _kernel_seed(seed: int) -> int:
    """The seed as the kernel's signed 64-bit argument, same bits (the kernel reads it
    as unsigned): seeds 2^63 .. 2^64 - 1 wrap to negative numbers."""
    return seed - 2**64 if seed >= 2**63 else seed


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
    launch_rings: tuple[np.ndarray, np.ndarray] | None = None
    """(edges_mm, cumulative power at the edges): launch radii from a table of rings."""

    @classmethod
    def prepare(
        cls,
        simulation: Simulation,
        beam: Beam | None = None,
        launch_rings: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> LayeredRun:
        """`beam` overrides the launch profile (a pencil for convolved beams);
        `launch_rings` replaces it by a radial table (see `simulate_radial_source`)."""
        rsp, launch_layer = specular_reflectance(simulation.stack)
        return cls(
            simulation=simulation,
            beam=beam or simulation.beam,
            arrays=LayerArrays.from_stack(simulation.stack),
            launch_weight=1.0 - rsp,
            launch_layer=launch_layer,
            clear_entry=clear_entry_weight(simulation.stack),
            launch_rings=launch_rings,
        )

    @property
    def bounds(self) -> list[tuple[int, int]]:
        return batch_bounds(self.simulation.photons, self.simulation.batch_count)

    def run_photons(self, first: int, count: int) -> BatchTallies:
        """Tallies of photons first .. first + count - 1 (depend on nothing else)."""
        simulation, grid, arrays = self.simulation, self.simulation.grid, self.arrays
        tallies = BatchTallies.zeros(grid.nr, grid.nz, grid.na, len(simulation.stack.layers))
        if self.launch_rings is None:
            kind, edges, cdf = _BEAM_KINDS[self.beam.profile], _NO_TABLE, _NO_TABLE
        else:
            kind, (edges, cdf) = kernel.BEAM_TABULATED, self.launch_rings
        kernel.run_photons(
            first, count, _kernel_seed(simulation.seed),
            arrays.z_top, arrays.z_bottom, arrays.mua, arrays.mus, arrays.g, arrays.n,
            self.launch_weight, self.launch_layer, self.clear_entry,
            kind, self.beam.radius_mm, edges, cdf,
            grid.dr_mm, grid.dz_mm, grid.da_rad,
            simulation.roulette.weight_threshold, simulation.roulette.survival_chance,
            MAX_STEPS_PER_PHOTON,
            tallies.rd_ra, tallies.tt_ra, tallies.a_rz, tallies.f_rz, tallies.a_layer,
            tallies.counts, tallies.capped,
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
    simulation = _validated(simulation)
    if isinstance(index, bool) or not isinstance(index, int):
        raise BadInputError("index", index, "must be a whole number")
    if not 0 <= index < simulation.batch_count:
        raise BadInputError("index", index, f"must be 0 to {simulation.batch_count - 1}")
    check_memory(simulation, 1)
    return LayeredRun.prepare(simulation, launch_beam(simulation)).run_batch(index)


def finish(simulation: Simulation, accumulator: Accumulator) -> xr.Dataset:
    """The labelled result of a simulation from its reduced batches."""
    simulation = _validated(simulation)
    rsp, _ = specular_reflectance(simulation.stack)
    dataset = build_dataset(simulation, accumulator, rsp, MAX_STEPS_PER_PHOTON)
    if launch_beam(simulation) is not simulation.beam:
        from photodose.transport.convolution import convolve_dataset

        dataset = convolve_dataset(dataset, simulation.beam)
    return dataset


def run_tallies(
    simulation: Simulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    beam: Beam | None = None,
    launch_rings: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[Accumulator, RunStats]:
    """Run every batch on a thread pool and reduce in batch order; `beam` overrides the
    launch profile, `launch_rings` replaces it by a radial table."""
    workers = resolve_workers(workers)
    simulation = _validated(simulation)
    check_memory(simulation, workers)
    prepared = LayeredRun.prepare(simulation, beam, launch_rings)
    prepared.run_photons(0, 0)  # load or compile the kernel before the clock starts
    accumulator, elapsed_s = run_and_reduce(prepared.run_batch, simulation.batch_count,
                                            simulation.photons, workers, progress)  # fmt: skip
    stats = RunStats(
        elapsed_s=elapsed_s,
        photons=simulation.photons,
        scatterings=int(accumulator.counts[kernel.COUNT_SCATTERINGS]),
        workers=workers,
    )
    return accumulator, stats


def capped_note(dataset: xr.Dataset) -> str:
    """One sentence on packets stopped at the step cap ('' when there were none)."""
    capped = int(dataset.attrs.get("capped_photons", 0))
    if not capped:
        return ""
    return (
        f"note: {capped:,} photon(s) still alive after {MAX_STEPS_PER_PHOTON:,} steps were "
        f"stopped (a layer that scatters but does not absorb); their weight, "
        f"{float(dataset.attrs['capped_weight']):.3g} per photon launched, is counted in "
        "none of R, A or T"
    )


def simulate(
    simulation: Simulation,
    workers: int | None = None,
    progress: ProgressCallback | bool | None = None,
) -> xr.Dataset:
    """Run `simulation` and return its labelled result, normalised per watt delivered.

    `progress`: True draws a bar with an ETA (terminal or Jupyter), or pass a
    callback(photons_done, photons_total). A grid that ends inside the stack or the beam
    gives a GridCoverageWarning."""
    simulation = _validated(simulation)
    warn_grid_coverage(simulation)
    dataset, _ = _simulate_with_stats(simulation, workers, progress)
    return dataset


def simulate_with_stats(
    simulation: Simulation,
    workers: int | None = None,
    progress: ProgressCallback | bool | None = None,
) -> tuple[xr.Dataset, RunStats]:
    """As `simulate`, also returning timing (kept out of the dataset, which is exact)."""
    simulation = _validated(simulation)
    warn_grid_coverage(simulation)
    return _simulate_with_stats(simulation, workers, progress)


def _simulate_with_stats(
    simulation: Simulation, workers: int | None, progress: ProgressCallback | bool | None
) -> tuple[xr.Dataset, RunStats]:
    if progress is True:
        with photon_bar("photons", simulation.photons) as tick:
            return _simulate_with_stats(simulation, workers, tick)
    callback = progress if callable(progress) else None
    accumulator, stats = run_tallies(simulation, workers, callback, beam=launch_beam(simulation))
    return finish(simulation, accumulator), stats


def simulate_radial_source(
    simulation: Simulation,
    edges_mm: np.ndarray,
    ring_power: np.ndarray,
    workers: int | None = None,
) -> xr.Dataset:
    """Monte Carlo of a source whose power enters at normal incidence in rings: ring k
    (edges_mm[k] to edges_mm[k + 1]) carries ring_power[k] (any units; normalised), at
    constant irradiance across the ring. The tallies are radial about the rings' centre,
    so any pattern (an emitter array) enters through its power per ring about the point
    where the field is read; the result is per watt, as `simulate`'s. The simulation's
    own beam is ignored (its dataset attribute keeps it)."""
    edges = np.asarray(edges_mm, dtype=np.float64)
    power = np.asarray(ring_power, dtype=np.float64)
    ordered = edges.ndim == 1 and edges.size == power.size + 1 and bool(np.all(np.diff(edges) > 0))
    if not ordered or edges[0] < 0:
        raise ValueError("edges_mm: increasing ring radii from >= 0, one more than ring_power")
    if np.any(power < 0) or power.sum() <= 0:
        raise ValueError("ring_power: non-negative, with a positive sum")
    cdf = np.concatenate(([0.0], np.cumsum(power) / power.sum()))
    accumulator, _ = run_tallies(simulation, workers, beam=Beam(), launch_rings=(edges, cdf))
    return finish(simulation.model_copy(update={"beam": Beam()}), accumulator)
