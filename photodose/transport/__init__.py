"""Photon transport: compiled kernels and the drivers that prepare and label their work.

For running batches elsewhere (Dask workers, other processes): `run_batch(simulation, b)`
gives batch b's tallies, `reduce` adds them in batch order, `finish` labels the sum;
the result equals `simulate(simulation)` bit for bit.

Names load on first use, so that the diffusion fast path does not load the Monte Carlo
driver and its compiled kernel.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_SOURCES = {
    "RunStats": "photodose.transport.layered",
    "batch_bounds": "photodose.transport.batches",
    "diffuse": "photodose.transport.diffusion_layered",
    "finish": "photodose.transport.layered",
    "reduce": "photodose.transport.batches",
    "run_batch": "photodose.transport.layered",
    "run_ordered": "photodose.transport.batches",
    "simulate": "photodose.transport.layered",
    "simulate_with_stats": "photodose.transport.layered",
}

__all__ = [
    "RunStats",
    "batch_bounds",
    "diffuse",
    "finish",
    "reduce",
    "run_batch",
    "run_ordered",
    "simulate",
    "simulate_with_stats",
]


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'photodose.transport' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SOURCES))


if TYPE_CHECKING:
    from photodose.transport.batches import batch_bounds, reduce, run_ordered
    from photodose.transport.diffusion_layered import diffuse
    from photodose.transport.layered import (
        RunStats,
        finish,
        run_batch,
        simulate,
        simulate_with_stats,
    )
