"""Photon transport: compiled kernels and the drivers that prepare and label their work.

For running batches elsewhere (Dask workers, other processes): `run_batch(simulation, b)`
gives batch b's tallies, `reduce` adds them in batch order, `finish` labels the sum;
the result equals `simulate(simulation)` bit for bit.
"""

from photodose.transport.batches import batch_bounds, reduce, run_ordered
from photodose.transport.diffusion_layered import diffuse
from photodose.transport.layered import (
    MAX_STEPS_PER_PHOTON,
    RunStats,
    capped_note,
    finish,
    resolve_workers,
    run_batch,
    simulate,
    simulate_with_stats,
)

__all__ = [
    "MAX_STEPS_PER_PHOTON",
    "RunStats",
    "capped_note",
    "resolve_workers",
    "batch_bounds",
    "diffuse",
    "finish",
    "reduce",
    "run_batch",
    "run_ordered",
    "simulate",
    "simulate_with_stats",
]
