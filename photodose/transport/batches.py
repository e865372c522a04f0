"""Photon batches: how a run is split, run and reduced, the same way on any machine.

A run of N photons is split into a fixed number of batches (set by the spec, never by
the machine); batch b holds photons edges[b] .. edges[b+1] - 1, and photon i draws the
random stream fixed by (seed, i) (rng.py). A batch's tallies therefore depend only on
the spec and the batch index, and adding batches in index order gives the same sums,
bit for bit, whether they ran on one thread, many threads, or Dask workers.

- `batch_bounds(photons, batches)`: (first photon, count) per batch.
- `run_ordered(tasks, run, workers, ...)`: run tasks on a thread pool (the kernels
  release the GIL) and hand results back strictly in task order.
- `reduce(results)`: the ordered reduction of (tallies, photons) pairs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from photodose.transport.tallies import Accumulator, BatchTallies, Tallies

Task = TypeVar("Task")
Output = TypeVar("Output")
TalliesT = TypeVar("TalliesT", bound=Tallies)  # one engine's batch tallies


def batch_bounds(photons: int, batches: int) -> list[tuple[int, int]]:
    """(first photon, count) per batch; sizes differ by at most one photon."""
    edges = [photons * b // batches for b in range(batches + 1)]
    return [(edges[b], edges[b + 1] - edges[b]) for b in range(batches)]


def run_ordered(
    tasks: Sequence[Task],
    run: Callable[[Task], Output],
    workers: int,
    on_result: Callable[[int, Output], None],
) -> None:
    """Run every task and call on_result(index, output) in task order.

    At most 2 x workers tasks are in flight, so memory stays bounded however many
    batches a run has."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight: list[tuple[int, Future[Output]]] = []
        pending = iter(enumerate(tasks))
        for index, task in pending:
            in_flight.append((index, pool.submit(run, task)))
            if len(in_flight) >= 2 * workers:
                break
        while in_flight:
            index, future = in_flight.pop(0)
            on_result(index, future.result())
            following = next(pending, None)
            if following is not None:
                in_flight.append((following[0], pool.submit(run, following[1])))


def run_and_reduce(
    run_batch: Callable[[int], tuple[TalliesT, int]],
    batch_count: int,
    photons: int,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    added: Callable[[TalliesT], None] | None = None,
) -> tuple[Accumulator, float]:
    """Run batches 0 .. batch_count - 1 on a thread pool, add them in batch order (any
    engine's tallies), calling progress(photons_done, photons) after each and handing
    each batch's tallies, once added, to `added` (which may reuse their arrays); returns
    the accumulator and the wall time of the runs in s."""
    accumulator = Accumulator()
    done = 0

    def add(_: int, result: tuple[TalliesT, int]) -> None:
        nonlocal done
        accumulator.add(*result)
        if added is not None:
            added(result[0])
        done += result[1]
        if progress is not None:
            progress(done, photons)

    started = time.perf_counter()
    run_ordered(range(batch_count), run_batch, workers, add)
    return accumulator, time.perf_counter() - started


def reduce(results: Iterable[tuple[BatchTallies, int]]) -> Accumulator:
    """Add (tallies, photons) pairs into one accumulator, in the order given (which
    must be batch order for bit-identical sums)."""
    accumulator = Accumulator()
    for tallies, photons in results:
        accumulator.add(tallies, photons)
    return accumulator
