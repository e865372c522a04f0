"""The nerve dose of a site under a beam by Monte Carlo, aimed at the nerve (the
`precise` check of verify.py): one pencil-beam run at the emission's peak scores every
wavelength of the band, photons added in seeded rounds until the standard error of the
band-weighted nerve dose is the target.

Per round, 16 batches of photons (seeds far apart, so no stream is reused); every round
and batch is fixed by the seed, so the numbers are the same on any number of threads.
Wavelengths whose likelihood ratios spread too far after the first round
(`detector_run.MAX_LOG_RATIO_SD`) are dropped from the shared run and get runs of their
own (each to the target on its own); the band's error then adds the parts in quadrature.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import xarray as xr

from photodose.dose.nerve_weights import nerve_weight_map
from photodose.specs import Beam, Simulation, TissueStack
from photodose.tissue.site import Site
from photodose.transport import finish
from photodose.transport.detector_run import (
    MAX_LOG_RATIO_SD,
    DetectorBatch,
    effective_attenuation_per_mm,
    reduce_detector,
    run_detector,
    window_map,
)
from photodose.transport.layered import ProgressCallback

BATCHES_PER_ROUND = 16
FIRST_ROUND_PHOTONS = 2_000
ROUND_SEED_STEP = 1_000_003
# The importance's geometric floor (mm), a few transport mean free paths (1 / mus' ~ 1 mm
# in the near infrared). Any value keeps the estimate unbiased; tried 1, 3 and infinity
# (pure exponential) on five pairs (heel and dorsal foot, 3-50 mm beams): 3 was never
# much slower than the best and never slower than no window.
IMPORTANCE_FLOOR_MM = 3.0


@dataclass(frozen=True)
class AimedRun:
    """Band-weighted nerve fluence rate per watt, its standard error, the peak's alone."""

    rate_per_mm2: float
    se_per_mm2: float
    peak_rate_per_mm2: float
    photons: int
    elapsed_s: float
    reweighted_nm: tuple[float, ...]
    separate_nm: tuple[float, ...]
    log_ratio_sd: tuple[float, ...]
    dataset: xr.Dataset


@dataclass
class _Chain:
    """Photons run so far for one group of wavelengths (its reference first)."""

    simulation: Simulation
    stacks: list[TissueStack]
    weights: np.ndarray
    window: np.ndarray | None
    batches: list[DetectorBatch]
    rounds: int = 0

    def run_round(self, photons: int, detector: np.ndarray, workers: int | None) -> None:
        current = self.simulation.model_copy(update={
            "photons": photons,
            "seed": self.simulation.seed + ROUND_SEED_STEP * self.rounds,
        })  # fmt: skip
        self.batches += run_detector(current, detector, self.window, self.stacks[1:],
                                     self.weights, BATCHES_PER_ROUND, workers)  # fmt: skip
        self.rounds += 1


def aimed_nerve_run(site: Site, beam: Beam, grid: object, stacks: list[TissueStack],
                    wavelengths_nm: np.ndarray, weights: np.ndarray, seed: int, *,
                    target_rel_se: float, max_photons: int, fixed_photons: int | None = None,
                    splitting: bool = True, reweighting: bool = True,
                    workers: int | None = None,
                    progress: ProgressCallback | None = None) -> AimedRun:  # fmt: skip
    """`stacks`, `wavelengths_nm`, `weights`: the band's quadrature, reference (peak)
    first. `splitting`/`reweighting` False switch the weight window / the shared run off
    (for tests and benchmarks)."""
    started = time.perf_counter()
    nerve = site.nerve
    detector = nerve_weight_map(grid, beam, nerve.depth_mm, nerve.diameter_mm)  # type: ignore[arg-type]

    def chain(indices: list[int]) -> _Chain:
        simulation = Simulation(stack=stacks[indices[0]], beam=Beam(), grid=grid, photons=1,
                                seed=seed + 7_919 * indices[0],
                                wavelength_nm=float(wavelengths_nm[indices[0]]))  # fmt: skip
        window = None
        if splitting:
            mu = effective_attenuation_per_mm(stacks[indices[0]], nerve.depth_mm)
            window = window_map(simulation, beam.radius_mm + nerve.radius_mm,
                                (nerve.depth_mm - nerve.radius_mm,
                                 nerve.depth_mm + nerve.radius_mm),
                                mu, IMPORTANCE_FLOOR_MM)  # fmt: skip
        return _Chain(simulation, [stacks[i] for i in indices],
                      np.array([weights[i] for i in indices]), window, [])  # fmt: skip

    first = fixed_photons or FIRST_ROUND_PHOTONS
    order = list(range(len(stacks)))
    shared = chain(order if reweighting else [0])
    shared.run_round(first, detector, workers)
    spread = reduce_detector(shared.batches).log_ratio_sd
    if reweighting and len(order) > 1:
        pairs = zip(order[1:], spread[1:], strict=True)
        kept = [0] + [i for i, sd in pairs if sd <= MAX_LOG_RATIO_SD]
        if len(kept) < len(order):
            shared = chain(kept)
            shared.run_round(first, detector, workers)
    else:
        kept = [0]
    chains = [shared] + [chain([i]) for i in order if i not in kept]
    for extra in chains[1:]:
        extra.run_round(first, detector, workers)
    done = first * len(chains) + (first if kept != order and reweighting else 0)
    while True:
        results = [reduce_detector(c.batches) for c in chains]
        mean = sum(float(r.mean[-1]) for r in results)
        se = math.sqrt(sum(float(r.standard_error[-1]) ** 2 for r in results))
        if progress is not None:
            progress(done, done)
        if fixed_photons is not None or done >= max_photons or se <= target_rel_se * mean:
            break
        # Neyman allocation at equal cost per photon (deterministic, unlike timings):
        # chain k needs sigma_k sum_j sigma_j / V photons for a band variance V
        sigmas = [float(r.standard_error[-1]) * math.sqrt(r.photons) for r in results]
        variance = (target_rel_se * mean) ** 2
        planned: list[tuple[_Chain, int]] = []
        allotted = done
        for c, r, sigma in zip(chains, results, sigmas, strict=True):
            needed = sigma * sum(sigmas) / variance * 1.1 - r.photons
            if needed <= 0:
                continue
            more = int(min(max_photons - allotted, max(needed, FIRST_ROUND_PHOTONS)))
            if more <= 0:
                break
            planned.append((c, more))
            allotted += more
        for c, more in planned:  # the bar's total: this round's estimate of the need
            if progress is not None:
                progress(done, allotted)
            c.run_round(more, detector, workers)
            done += more
    peak = results[0]
    total = shared.simulation.model_copy(update={
        "photons": peak.photons, "batches": len(shared.batches), "beam": beam,
        "finite_beam": "convolve",
    })  # fmt: skip
    dataset = finish(total, peak.accumulator)
    return AimedRun(
        rate_per_mm2=mean, se_per_mm2=se, peak_rate_per_mm2=float(peak.mean[0]),
        photons=sum(r.photons for r in results), elapsed_s=time.perf_counter() - started,
        reweighted_nm=tuple(float(wavelengths_nm[i]) for i in kept[1:]),
        separate_nm=tuple(float(wavelengths_nm[i]) for i in order if i not in kept),
        log_ratio_sd=tuple(float(v) for v in spread), dataset=dataset,
    )
