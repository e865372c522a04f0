"""Run a sweep or a population on Dask (or in this process) into a resumable zarr store.

- No scheduler given: a local cluster of `workers` processes (default: this machine's
  cores), one thread each, kernels single-threaded (NUMBA_NUM_THREADS=1 and the BLAS
  thread counts set to 1 in the workers' environment). `workers=0` runs in this process.
- `scheduler` (or PHOTODOSE_DASK_SCHEDULER): an existing Dask scheduler's address; its
  workers should be started with one thread each (`dask worker ADDRESS --nthreads 1`).
- A Monte Carlo cell is one task per block of photon batches per wavelength, and a task
  that reduces them in batch order; the fast path and populations run a cell (or a block
  of patients) per task. Every task is a pure function of the spec, so Dask may rerun a
  lost worker's tasks and get the same numbers.
- The store's template is written first; each finished cell is written to its region and
  marked done; a rerun of the same spec into the same store computes only the cells not
  done.
"""

from __future__ import annotations

import logging
import math
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import xarray as xr

from photodose.errors import BadInputError, ResourceLimitError
from photodose.sweep import population as population_mode
from photodose.sweep.cell import (
    batch_blocks,
    fast_cell,
    monte_carlo_cell,
    prepare_cell,
    run_batches,
    voxel_cell,
)
from photodose.sweep.spec import GRID_DIMS, SweepSpec, load_sweep, parse_sweep
from photodose.sweep.store import RegionWriter, Variable, create_or_open, open_result

SCHEDULER_ENV = "PHOTODOSE_DASK_SCHEDULER"
SCHEDULER_TIMEOUT_S = 10
# more local worker processes than this per core only add memory and start-up time
MAX_WORKERS_PER_CORE = 4
# the workers' kernels run on one thread: Dask gives each worker process one task at a time
SINGLE_THREAD_ENV = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
# The local cluster's housekeeping, trimmed for long compute-bound tasks on few cores: the
# workers' statistical profiler (a stack sample every 10 ms, shown only on the dashboard's
# profile page) and a 0.5 s system monitor take CPU from the kernels they watch.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
}

CELL_VARIABLES = (
    Variable("nerve_fluence_rate_mW_per_cm2_per_W", "mW cm-2 W-1",
             "fluence rate at the nerve (cross-section mean; voxel engine: mean over the "
             "nerve's voxels) per watt delivered"),
    Variable("nerve_fluence_rate_se_mW_per_cm2_per_W", "mW cm-2 W-1",
             "Monte Carlo standard error (upper bound) of the nerve fluence rate per watt; "
             "NaN on the fast path"),
    Variable("nerve_fluence_rate_min_mW_per_cm2_per_W", "mW cm-2 W-1",
             "lowest fluence rate over the nerve's cross-section per watt delivered; NaN "
             "on the voxel engine"),
    Variable("fraction_of_surface_irradiance", "1",
             "nerve fluence rate over the peak incident irradiance; NaN on the voxel engine"),
    Variable("nerve_depth_mm", "mm", "skin surface to nerve centre"),
    Variable("photons", "1", "photons traced for the cell (all wavelengths); 0 on the fast path"),
)  # fmt: skip

POPULATION_VARIABLES = (
    Variable("skin_type", "1", "Fitzpatrick skin type (sampled)"),
    Variable("subcutaneous_fat_mm", "mm", "subcutaneous fat thickness (sampled; NaN: none)"),
    Variable("nerve_depth_mm", "mm", "skin surface to nerve centre (sampled)"),
    Variable("skin_scattering_scale", "1", "factor on the skin layers' a' (sampled)"),
    Variable("fat_scattering_scale", "1", "factor on the fat layers' a' (sampled)"),
    Variable("nerve_fluence_J_per_cm2", "J cm-2",
             "fluence at the nerve (cross-section mean) for the protocol"),
    Variable("nerve_fluence_se_J_per_cm2", "J cm-2",
             "Monte Carlo standard error (upper bound); NaN on the fast path"),
    Variable("nerve_fluence_rate_mW_per_cm2", "mW cm-2", "fluence rate at the nerve"),
    Variable("peak_skin_temperature_C", "degC",
             "hottest skin (face and skin layers) on the beam axis during the exposure"),
    Variable("photons", "1", "photons traced for the patient; 0 on the fast path"),
)  # fmt: skip


@dataclass(frozen=True)
class SweepProgress:
    """Where a running sweep stands (cells: grid cells, or patients in population mode)."""

    cells_done: int
    cells_total: int
    cells_skipped: int
    """Done before this run started (resumed)."""
    photons_done: int
    elapsed_s: float

    @property
    def photons_per_s(self) -> float:
        return self.photons_done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float:
        computed = self.cells_done - self.cells_skipped
        left = self.cells_total - self.cells_done
        if computed <= 0:
            return math.inf if left else 0.0
        return self.elapsed_s / computed * left


ProgressCallback = Callable[[SweepProgress], None]


@dataclass(frozen=True)
class SweepRun:
    """A finished sweep: its dataset (loaded) and what this run did."""

    path: Path
    dataset: xr.Dataset
    cells_total: int
    cells_computed: int
    cells_skipped: int
    photons: int
    elapsed_s: float
    scheduler: str
    """'in-process', 'local cluster (N workers)' or the scheduler address."""
    dashboard_link: str | None
    summary: dict[str, Any] | None
    """Population mode: median, 5-95 % range, shares."""


class Job(Protocol):
    @property
    def region(self) -> tuple[int | slice, ...]: ...

    @property
    def cells(self) -> int: ...

    def local(self) -> dict[str, Any]: ...

    def submit(self, client: Any, tag: str) -> Any: ...


@dataclass(frozen=True)
class MonteCarloCellJob:
    region: tuple[int | slice, ...]
    work: Any
    batches_per_task: int
    cells: int = 1

    def _blocks(self) -> list[list[tuple[int, ...]]]:
        return [batch_blocks(sim, self.batches_per_task) for sim in self.work.simulations]

    def local(self) -> dict[str, Any]:
        per_wavelength = [[run_batches(sim, block) for block in blocks]
                          for sim, blocks in zip(self.work.simulations, self._blocks(),
                                                 strict=True)]  # fmt: skip
        return monte_carlo_cell(self.work, *per_wavelength)

    def submit(self, client: Any, tag: str) -> Any:
        per_wavelength = [
            [client.submit(run_batches, sim, block, key=f"{tag}-w{w}-b{block[0]}", pure=False)
             for block in blocks]
            for w, (sim, blocks) in enumerate(zip(self.work.simulations, self._blocks(),
                                                  strict=True))
        ]  # fmt: skip
        return client.submit(monte_carlo_cell, self.work, *per_wavelength, key=f"{tag}-cell",
                             pure=False)  # fmt: skip


@dataclass(frozen=True)
class FastCellJob:
    region: tuple[int | slice, ...]
    work: Any
    cells: int = 1

    def local(self) -> dict[str, Any]:
        return fast_cell(self.work)

    def submit(self, client: Any, tag: str) -> Any:
        return client.submit(fast_cell, self.work, key=f"{tag}-cell", pure=False)


@dataclass(frozen=True)
class VoxelCellJob:
    region: tuple[int | slice, ...]
    work: Any
    photons_per_wavelength: int
    cells: int = 1

    def local(self) -> dict[str, Any]:
        return voxel_cell(self.work, self.photons_per_wavelength)

    def submit(self, client: Any, tag: str) -> Any:
        return client.submit(voxel_cell, self.work, self.photons_per_wavelength,
                             key=f"{tag}-cell", pure=False)  # fmt: skip


@dataclass(frozen=True)
class PatientBlockJob:
    region: tuple[int | slice, ...]
    spec: SweepSpec
    start: int
    stop: int

    @property
    def cells(self) -> int:
        return self.stop - self.start

    def local(self) -> dict[str, Any]:
        return population_mode.evaluate_block(self.spec, self.start, self.stop)

    def submit(self, client: Any, tag: str) -> Any:
        return client.submit(population_mode.evaluate_block, self.spec, self.start, self.stop,
                             key=f"{tag}-patients", pure=False)  # fmt: skip


def _cell_list(spec: SweepSpec) -> list[dict[str, Any]]:
    """Every cell's coordinates, in store order."""
    if spec.grid is not None:
        return spec.grid.cells()
    assert spec.cells is not None
    return [cell.coords() for cell in spec.cells]


def _cell_jobs(spec: SweepSpec, done: np.ndarray) -> list[Job]:
    jobs: list[Job] = []
    for flat, cell in enumerate(_cell_list(spec)):
        index = np.unravel_index(flat, done.shape)
        if done[index]:
            continue
        try:
            work = prepare_cell(cell, spec.seed, spec.photons, spec.batches)
        except ValueError as error:
            raise BadInputError(
                f"sweep cell {cell}",
                "this combination",
                "not a valid patient for the site",
                reason=str(error),
            ) from error
        region = tuple(int(i) for i in index)
        if spec.engine == "monte-carlo":
            jobs.append(MonteCarloCellJob(region, work, spec.batches_per_task))
        elif spec.engine == "voxel":
            jobs.append(VoxelCellJob(region, work, spec.photons))
        else:
            jobs.append(FastCellJob(region, work))
    return jobs


def _list_labels(spec: SweepSpec) -> dict[str, tuple[str, list[Any]]]:
    """Each listed cell's fields as coordinates along `cell` (NaN: the site's or the
    device's own value)."""
    assert spec.cells is not None
    labels: dict[str, tuple[str, list[Any]]] = {}
    for name in GRID_DIMS:
        values = [getattr(cell, name) for cell in spec.cells]
        if all(v is None for v in values):
            continue
        labels[name] = ("cell", [np.nan if v is None else v for v in values])
    return labels


def _population_jobs(spec: SweepSpec, done: np.ndarray) -> list[Job]:
    population = spec.population
    assert population is not None
    size = population.patients_per_task
    jobs: list[Job] = []
    for start in range(0, population.patients, size):
        stop = min(start + size, population.patients)
        if not done[start:stop].all():
            jobs.append(PatientBlockJob((slice(start, stop),), spec, start, stop))
    return jobs


def _resolve_spec(spec: SweepSpec | str | Path | dict[str, Any]) -> SweepSpec:
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, dict):
        return parse_sweep(spec)
    return load_sweep(spec)


@contextmanager
def dask_client(
    workers: int | None, scheduler: str | None
) -> Iterator[tuple[Any, str, str | None]]:
    """(client or None, description, dashboard link) for the run; the local cluster it
    starts is closed on exit."""
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address:
        from distributed import Client

        try:
            client = Client(address, timeout=SCHEDULER_TIMEOUT_S)
        except (OSError, TimeoutError) as error:
            raise BadInputError("--scheduler", address, "no Dask scheduler answers there",
                                reason=f"{type(error).__name__}: {error}") from error  # fmt: skip
        with client:
            yield client, address, client.dashboard_link
        return
    cores = os.cpu_count() or 1
    count = cores if workers is None else workers
    if count < 0:
        raise BadInputError("--workers", count, "must be >= 0 (0: run in this process)")
    if count > MAX_WORKERS_PER_CORE * cores:
        raise ResourceLimitError("--workers", count, f"at most {MAX_WORKERS_PER_CORE} worker "
                                 f"processes per core ({cores} cores here)")  # fmt: skip
    if count == 0:
        yield None, "in-process", None
        return
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG), LocalCluster(
        n_workers=count, threads_per_worker=1, processes=True,
        dashboard_address="127.0.0.1:0", env=SINGLE_THREAD_ENV,
        silence_logs=logging.ERROR,
    ) as cluster, Client(cluster) as client:  # fmt: skip
        link = client.dashboard_link if _has_bokeh() else None
        noun = "worker process" if count == 1 else "worker processes"
        yield client, f"local cluster ({count} {noun})", link


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def sweep(
    spec: SweepSpec | str | Path | dict[str, Any],
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: ProgressCallback | None = None,
    on_start: Callable[[str, str | None], None] | None = None,
) -> SweepRun:
    """Run `spec` (a SweepSpec, a .toml/.json path or a mapping) into the zarr store `out`.

    `workers`: local cluster size (default: all cores; 0: in this process); `scheduler`:
    a Dask scheduler address (default: $PHOTODOSE_DASK_SCHEDULER); `client`: an existing
    distributed Client (overrides both). `progress(SweepProgress)` after every finished
    cell or block; `on_start(description, dashboard_link)` once the cluster is up."""
    spec = _resolve_spec(spec)
    path = Path(out)
    labels = None
    coords: Mapping[str, Sequence[Any]]
    variables: tuple[Variable, ...]
    if spec.grid is not None:
        coords = spec.grid.coords()
        variables, chunks = CELL_VARIABLES, None
    elif spec.cells is not None:
        coords = {"cell": list(range(len(spec.cells)))}
        variables, chunks, labels = CELL_VARIABLES, None, _list_labels(spec)
    else:
        assert spec.population is not None
        coords = {"patient": list(range(spec.population.patients))}
        variables = POPULATION_VARIABLES
        chunks = {"patient": spec.population.patients_per_task}
    attrs = {"engine": spec.engine, "seed": spec.seed}
    done = create_or_open(path, coords, variables, spec.canonical(), chunks, attrs, labels)
    skipped = int(done.sum())
    if spec.population is None:
        jobs = _cell_jobs(spec, done)
    else:
        jobs = _population_jobs(spec, done)
        # patients done inside a block that is not wholly done are computed again
        skipped = int(done.sum()) - sum(int(done[j.region[0]].sum()) for j in jobs)
    total = int(done.size)
    writer = RegionWriter(path)
    clock = {"start": time.perf_counter(), "done": skipped, "photons": 0}

    def finished(job: Job, values: dict[str, Any]) -> None:
        writer.write(job.region, values)
        clock["done"] += job.cells
        clock["photons"] += int(np.sum(values.get("photons", 0.0)))
        if progress is not None:
            elapsed = time.perf_counter() - clock["start"]
            progress(SweepProgress(int(clock["done"]), total, skipped, int(clock["photons"]),
                                   elapsed))  # fmt: skip

    def begin(description: str, link: str | None) -> None:
        # the clock starts once the cluster is up: its start-up is not sweep work
        clock["start"] = time.perf_counter()
        if on_start is not None:
            on_start(description, link)
        if progress is not None:
            progress(SweepProgress(skipped, total, skipped, 0, 0.0))

    if client is not None:
        description, link = str(client.scheduler.address), client.dashboard_link
        begin(description, link)
        _run_dask(jobs, client, finished)
    else:
        with dask_client(workers, scheduler) as (made, description, link):
            begin(description, link)
            if made is None:
                for job in jobs:
                    finished(job, job.local())
            else:
                _run_dask(jobs, made, finished)
    dataset = open_result(path)
    result_summary = None
    if spec.population is not None:
        result_summary = population_mode.summary(dataset, spec.population)
        dataset.attrs.update({f"summary_{k}": v for k, v in result_summary.items()})
    return SweepRun(
        path=path, dataset=dataset, cells_total=total,
        cells_computed=sum(j.cells for j in jobs), cells_skipped=skipped,
        photons=int(clock["photons"]), elapsed_s=time.perf_counter() - clock["start"],
        scheduler=description, dashboard_link=link, summary=result_summary,
    )  # fmt: skip


def _run_dask(
    jobs: list[Job], client: Any, finished: Callable[[Job, dict[str, Any]], None]
) -> None:
    """Submit jobs a window at a time (bounded memory) and write each as it finishes."""
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = 2 * workers + 2
    run_id = uuid.uuid4().hex[:8]
    pending = iter(enumerate(jobs))
    futures: dict[Any, Job] = {}
    completed = as_completed()

    def submit_next() -> None:
        item = next(pending, None)
        if item is not None:
            index, job = item
            future = job.submit(client, f"photodose-{run_id}-{index}")
            futures[future] = job
            completed.add(future)

    for _ in range(window):
        submit_next()
    for future in completed:
        job = futures.pop(future)
        values = future.result()
        future.release()
        finished(job, values)
        submit_next()
