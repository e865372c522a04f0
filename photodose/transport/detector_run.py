"""Run the detector kernel: a pencil beam scored at one region, with a weight window and
one run reused across wavelengths by perturbation (detector_kernel.py).

- `window_map`: target weights that fall toward the detector region (split on the way in,
  roulette on the way out);
- `perturbation`: per-layer differences of a second wavelength's optics from the
  reference's, and the criterion for using them;
- `run_detector`: batches on a thread pool, reduced in batch order, so a seed gives the
  same numbers on any number of threads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from photodose.errors import BadInputError
from photodose.specs import Simulation, TissueStack
from photodose.transport import detector_kernel as kernel
from photodose.transport.batches import batch_bounds, run_ordered
from photodose.transport.boundaries import specular_reflectance
from photodose.transport.layered import (
    MAX_STEPS_PER_PHOTON,
    LayerArrays,
    _kernel_seed,
    _validated,
    resolve_workers,
)
from photodose.transport.tallies import Accumulator, BatchTallies

MAX_SPLIT = 64
STACK_ROWS = 4096
# Criterion for reusing the reference run at another wavelength: the spread (standard
# deviation, score-weighted) of ln(likelihood ratio) over the scored collisions. For a
# log-normal ratio the second moment grows as exp(sd^2): at sd = 0.7 the reweighted
# score's relative variance is about 1.6x the reference's and its tail is still well
# sampled. ASSUMPTION (a practical bound, not a published one; pMC is reported accurate
# for mus changes of about +-20 % and larger mua changes at moderate path lengths,
# Hayakawa et al. 2001).
MAX_LOG_RATIO_SD = 0.7


@dataclass(frozen=True)
class Perturbation:
    """Per wavelength (row 0 the reference, all zero) and layer (nl + 2 entries)."""

    d_mut_per_mm: np.ndarray
    log_mus_ratio: np.ndarray


def perturbation(reference: TissueStack, others: list[TissueStack]) -> Perturbation:
    """Optics differences of `others` from `reference`; BadInputError where pMC does not
    apply (thickness, g or n differ: the path itself would change)."""
    ref = LayerArrays.from_stack(reference)
    d_mut, log_mus = [np.zeros_like(ref.mua)], [np.zeros_like(ref.mua)]
    for stack in others:
        arr = LayerArrays.from_stack(stack)
        same = (np.allclose(arr.z_bottom, ref.z_bottom) and np.array_equal(arr.g, ref.g)
                and np.array_equal(arr.n, ref.n))  # fmt: skip
        if not same or np.any((arr.mus > 0) != (ref.mus > 0)):
            raise BadInputError("stacks", "layers differ in thickness, g or n",
                                "perturbation changes only mua and mus")  # fmt: skip
        d_mut.append((arr.mua + arr.mus) - (ref.mua + ref.mus))
        ratio = np.where(ref.mus > 0, arr.mus / np.where(ref.mus > 0, ref.mus, 1.0), 1.0)
        log_mus.append(np.log(ratio))
    return Perturbation(np.array(d_mut), np.array(log_mus))


def window_map(simulation: Simulation, region_r_mm: float, region_z_mm: tuple[float, float],
               mu_eff_per_mm: float, floor_mm: float = 1.0) -> np.ndarray:  # fmt: skip
    """Target weights W(r, z) = I(source) / I(r, z), I = exp(-mu_eff rho) / (rho + floor)
    the diffusion-like importance of a point at distance rho from the detector region
    (r <= region_r_mm, z in region_z_mm), capped at 1 (the launch weight's scale)."""
    grid = simulation.grid
    r = (np.arange(grid.nr) + 0.5) * grid.dr_mm
    z = (np.arange(grid.nz) + 0.5) * grid.dz_mm
    lo, hi = region_z_mm
    dist_r = np.maximum(r - region_r_mm, 0.0)[:, None]
    dist_z = np.maximum(np.maximum(lo - z, z - hi), 0.0)[None, :]
    rho = np.hypot(dist_r, dist_z)
    rho_source = max(lo, 0.0)

    def log_importance(distance: np.ndarray | float) -> np.ndarray:
        return -mu_eff_per_mm * np.asarray(distance) - np.log(np.asarray(distance) + floor_mm)

    return np.minimum(np.exp(log_importance(rho_source) - log_importance(rho)), 1.0)


@dataclass
class DetectorBatch:
    tallies: BatchTallies
    photons: int
    scores: np.ndarray
    log_ratio_moments: np.ndarray


@dataclass(frozen=True)
class DetectorResult:
    """Scores per photon launched (mean, standard error) per wavelength, then the band."""

    mean: np.ndarray
    standard_error: np.ndarray
    log_ratio_sd: np.ndarray
    photons: int
    accumulator: Accumulator


def run_detector(simulation: Simulation, detector_map: np.ndarray, window: np.ndarray | None,
                 others: list[TissueStack], band_weights: np.ndarray, batches: int,
                 workers: int | None = None) -> list[DetectorBatch]:  # fmt: skip
    """Every batch of `simulation` (a pencil launch; its stack the reference), in order.

    `others`: stacks of further wavelengths scored by perturbation; `band_weights` one
    per wavelength (reference first). `window` None: MCML's fixed roulette only."""
    simulation = _validated(simulation)
    workers = resolve_workers(workers)
    if any(layer.tissue.mus_per_mm <= 0 for layer in simulation.stack.layers):
        raise BadInputError("stack", "a layer that does not scatter",
                            "the detector kernel needs scattering in every layer")  # fmt: skip
    grid = simulation.grid
    arrays = LayerArrays.from_stack(simulation.stack)
    rsp, launch_layer = specular_reflectance(simulation.stack)
    pert = perturbation(simulation.stack, others)
    weights = np.asarray(band_weights, dtype=float)
    if weights.shape != (len(others) + 1,):
        raise BadInputError("band_weights", weights.shape, "one weight per wavelength")
    detector = np.ascontiguousarray(detector_map, dtype=float)
    if detector.shape != (grid.nr, grid.nz):
        raise BadInputError("detector_map", detector.shape, f"must be ({grid.nr}, {grid.nz})")
    windows = np.zeros((1, 1)) if window is None else np.ascontiguousarray(window, dtype=float)
    roulette = simulation.roulette

    def run(bound: tuple[int, int]) -> DetectorBatch:
        first, count = bound
        tallies = BatchTallies.zeros(grid.nr, grid.nz, grid.na, len(simulation.stack.layers))
        scores = np.zeros((weights.size + 1, 2))
        moments = np.zeros((weights.size, 3))
        kernel.run_detector_photons(
            first, count, _kernel_seed(simulation.seed),
            arrays.z_top, arrays.z_bottom, arrays.mua, arrays.mus, arrays.g, arrays.n,
            1.0 - rsp, launch_layer, grid.dr_mm, grid.dz_mm, grid.da_rad,
            roulette.weight_threshold, roulette.survival_chance, MAX_STEPS_PER_PHOTON,
            detector, windows, pert.d_mut_per_mm, pert.log_mus_ratio, weights,
            MAX_SPLIT, STACK_ROWS,
            tallies.rd_ra, tallies.tt_ra, tallies.a_rz, tallies.f_rz, tallies.a_layer,
            tallies.counts, tallies.capped, scores, moments,
        )  # fmt: skip
        return DetectorBatch(tallies, count, scores, moments)

    results: list[DetectorBatch] = []
    run_ordered(batch_bounds(simulation.photons, batches), run, workers,
                lambda _, batch: results.append(batch))  # fmt: skip
    return results


def reduce_detector(batches: list[DetectorBatch]) -> DetectorResult:
    """Mean score per photon and its standard error from the photons' own spread
    (photons are independent), reduced in batch order."""
    accumulator = Accumulator()
    scores = np.zeros_like(batches[0].scores)
    moments = np.zeros_like(batches[0].log_ratio_moments)
    for batch in batches:
        accumulator.add(batch.tallies, batch.photons)
        scores += batch.scores
        moments += batch.log_ratio_moments
    n = float(accumulator.photons)
    mean = scores[:, 0] / n
    variance = np.maximum(scores[:, 1] / n - mean**2, 0.0) * n / max(n - 1.0, 1.0)
    total = np.where(moments[:, 0] > 0, moments[:, 0], 1.0)
    first = moments[:, 1] / total
    spread = np.sqrt(np.maximum(moments[:, 2] / total - first**2, 0.0))
    return DetectorResult(mean=mean, standard_error=np.sqrt(variance / n),
                          log_ratio_sd=spread, photons=int(n),
                          accumulator=accumulator)  # fmt: skip


def effective_attenuation_per_mm(stack: TissueStack, depth_mm: float) -> float:
    """Depth-averaged diffusion attenuation sqrt(3 mua (mua + mus (1 - g))) to `depth_mm`
    (Ishimaru 1978, Wave Propagation and Scattering in Random Media, ch. 9): the
    importance's decay rate (any positive value keeps the estimate unbiased)."""
    total, top = 0.0, 0.0
    for layer in stack.layers:
        t = layer.tissue
        bottom = min(top + layer.thickness_mm, depth_mm)
        if bottom > top:
            mu = math.sqrt(3.0 * t.mua_per_mm * (t.mua_per_mm + t.mus_per_mm * (1.0 - t.g)))
            total += mu * (bottom - top)
        top += layer.thickness_mm
    return total / max(min(depth_mm, top), 1e-9)
