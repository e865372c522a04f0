"""Check a plan made on the fast path with Monte Carlo: same site, beam, spectrum, grid.

Three methods:

- `precise` (the default): one pencil-beam run aimed at the nerve
  (transport/detector_run.py): each photon scores its share of the nerve's convolved
  cross-section dose (dose/nerve_weights.py), a weight window splits packets as they
  near the nerve and roulettes them as they move away, and the other wavelengths of an
  LED's band are scored from the same photons by perturbation (absorption and scattering
  reweighting, Hayakawa et al. 2001) where the likelihood ratios stay tame
  (`detector_run.MAX_LOG_RATIO_SD`), by runs of their own otherwise. The standard error
  is the spread between photons; rounds of photons are added until it is
  `target_rel_se` of the band-weighted nerve dose.
- `convolved`: the earlier precise check, one pencil-beam run convolved over the beam profile
  (transport/convolution.py; every photon then counts under a broad beam, where launch
  sampling wastes most of them far from the nerve), on a grid cut just below the nerve,
  at the emission's peak wavelength. The standard error is the spread of the nerve dose
  itself between independent batches (each batch convolved and read at the nerve), and
  photons are added in seeded rounds until it falls to `target_rel_se` (2 % by default)
  or `max_photons` is reached. An LED's band is carried by the Gauss-Hermite quadrature
  of the fast path: the Monte Carlo dose at the peak times the fast path's ratio of the
  band-weighted to the peak dose (exact where the fast path's spectral shape is right;
  over 30-60 nm the ratio is within a few per cent of 1, see `band_factor`).
- `sampled`: the earlier check, every quadrature wavelength with launch points sampled
  from the beam, a fixed number of photons, standard error bounded from the tallies'.

All three are seeded: the same seed gives the same numbers on any number of threads.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import xarray as xr

from photodose.dose.nerve import cross_section_fluence_rate
from photodose.dose.nerve_dose import NerveDose, dose_at_nerve
from photodose.errors import BadInputError
from photodose.planning.light import (
    emission_samples,
    light_field,
    planning_grid,
    transport_beam,
    verification_grid,
)
from photodose.planning.plan import Plan
from photodose.planning.uncertainty import peak_wavelength
from photodose.specs import Simulation
from photodose.tissue.site import Site
from photodose.transport.batches import reduce, run_ordered
from photodose.transport.diffusion_layered import diffuse
from photodose.transport.progress_bar import ProgressCallback

Method = Literal["precise", "convolved", "sampled"]
TARGET_REL_SE = 0.02
BATCHES_PER_ROUND = 16
FIRST_ROUND_PHOTONS = 8_000
DETECTOR_FIRST_ROUND_PHOTONS = 2_000
MAX_PHOTONS = 400_000
# Seeds of successive rounds: far apart so no photon stream is reused (rng.py keys the
# stream by (seed, photon index)).
_ROUND_SEED_STEP = 1_000_003

# Standard errors come from the spread between photon batches (transport/tallies.py), so
# one photon gives none, and a few hundred give an error as large as the dose itself.
VERIFY_MIN_PHOTONS = 1_000


def check_verify_photons(photons: int, what: str = "photons") -> int:
    """`photons` if enough for a Monte Carlo check; else a BadInputError naming `what`."""
    if isinstance(photons, bool) or not isinstance(photons, int) or photons < VERIFY_MIN_PHOTONS:
        raise BadInputError(
            what, photons,
            f"a Monte Carlo check needs at least {VERIFY_MIN_PHOTONS:,} photons (its standard "
            "error comes from batches of photons; 20,000 or more gives a useful check)",
        )  # fmt: skip
    return photons


@dataclass(frozen=True)
class Verification:
    photons: int
    seed: int
    fast_fluence_J_per_cm2: float
    monte_carlo_fluence_J_per_cm2: float
    monte_carlo_se_J_per_cm2: float | None
    monte_carlo_min_J_per_cm2: float
    window_position: str
    dose: NerveDose
    method: Method = "sampled"
    elapsed_s: float = 0.0
    band_factor: float = 1.0
    """Band-weighted over peak-wavelength nerve dose (1 for a laser): by Monte Carlo in
    the precise check, on the fast path in the convolved one."""

    @property
    def relative_error(self) -> float:
        """(fast - Monte Carlo) / Monte Carlo at the nerve."""
        return self.fast_fluence_J_per_cm2 / self.monte_carlo_fluence_J_per_cm2 - 1.0

    @property
    def relative_se(self) -> float | None:
        if self.monte_carlo_se_J_per_cm2 is None:
            return None
        return self.monte_carlo_se_J_per_cm2 / self.monte_carlo_fluence_J_per_cm2

    @property
    def in_window(self) -> bool:
        return self.window_position == "inside"


@dataclass(frozen=True)
class NerveMonteCarlo:
    """A Monte Carlo nerve dose per watt with its batch standard error."""

    rate_per_mm2: float
    se_per_mm2: float
    photons: int
    elapsed_s: float
    dataset: xr.Dataset


def verify_plan(
    plan: Plan,
    photons: int | None = None,
    seed: int = 1,
    method: Method = "precise",
    target_rel_se: float = TARGET_REL_SE,
    max_photons: int = MAX_PHOTONS,
    workers: int | None = None,
    progress: ProgressCallback | bool | None = None,
) -> Verification:
    """Re-compute the plan's nerve dose by Monte Carlo at its power and time.

    `precise`: photons are added until the standard error is `target_rel_se` of the
    dose (`photons`, if given, fixes the count instead). `sampled`: `photons` per
    wavelength (default 200 000). `progress` (True for a bar with an ETA, or a
    callback(done, total)) follows the photons; a precise run's total is its estimate
    of the photons the target needs, updated after every round."""
    if photons is not None:
        check_verify_photons(photons)
    if progress is True:
        from photodose.transport.progress_bar import photon_bar

        with photon_bar("Monte Carlo check", photons or FIRST_ROUND_PHOTONS) as bar:
            return verify_plan(plan, photons, seed, method, target_rel_se, max_photons,
                               workers, bar)  # fmt: skip
    callback = progress or None
    request = plan.request
    site = plan.site  # adapted to the patient (and a measured depth) when planned
    if method == "sampled":
        return _sampled(plan, site, photons or 200_000, seed, callback)
    if method == "precise":
        return _aimed(plan, photons, seed, target_rel_se, max_photons, workers, callback)
    device = request.device
    peak = peak_wavelength(device)
    beam = transport_beam(device)
    simulation = Simulation(
        stack=site.stack(peak, skin_type=request.patient.skin_type), beam=beam,
        grid=verification_grid(site, beam), photons=1, seed=seed, wavelength_nm=peak,
        finite_beam="convolve",
    )  # fmt: skip
    nerve = site.nerve
    run = nerve_monte_carlo(
        simulation, nerve.depth_mm, nerve.diameter_mm, target_rel_se=target_rel_se,
        max_photons=photons or max_photons, fixed_photons=photons, workers=workers,
        progress=callback,
    )  # fmt: skip
    factor = band_factor(site, device, request.patient.skin_type, simulation)
    dose = dose_at_nerve(run.dataset, plan.power_W, plan.time_per_spot_s, beam,
                         nerve.depth_mm, nerve.diameter_mm, window=request.window)  # fmt: skip
    to_fluence = plan.power_W * plan.time_per_spot_s * 100.0  # W s per mm^2 -> J/cm^2
    fluence = run.rate_per_mm2 * to_fluence * factor
    return Verification(
        photons=run.photons,
        seed=seed,
        fast_fluence_J_per_cm2=plan.nerve_fluence_J_per_cm2,
        monte_carlo_fluence_J_per_cm2=fluence,
        monte_carlo_se_J_per_cm2=run.se_per_mm2 * to_fluence * factor,
        monte_carlo_min_J_per_cm2=dose.target_fluence_min_J_per_cm2 * factor,
        window_position=request.window.classify(fluence).position,
        dose=dose,
        method="convolved",
        elapsed_s=run.elapsed_s,
        band_factor=factor,
    )


def nerve_monte_carlo(simulation: Simulation, depth_mm: float, diameter_mm: float, *,
                      target_rel_se: float = TARGET_REL_SE, max_photons: int = MAX_PHOTONS,
                      fixed_photons: int | None = None, workers: int | None = None,
                      progress: ProgressCallback | None = None) -> NerveMonteCarlo:  # fmt: skip
    """Nerve cross-section mean fluence rate per watt by Monte Carlo, photons added in
    seeded rounds of `BATCHES_PER_ROUND` batches until the batch standard error of the
    nerve value itself is `target_rel_se` of it (or `max_photons`)."""
    from photodose.transport.layered import finish  # numba loads only for a check
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    values: list[float] = []
    counts: list[int] = []
    collected: list[tuple] = []
    photons = 0
    round_photons = fixed_photons or min(FIRST_ROUND_PHOTONS, max_photons)
    round_index = 0
    while True:
        batches = min(BATCHES_PER_ROUND, round_photons)
        current = simulation.model_copy(update={
            "photons": round_photons, "batches": batches,
            "seed": simulation.seed + _ROUND_SEED_STEP * round_index,
        })  # fmt: skip
        results = _run_round(current, batches, workers)
        for tallies, count in results:
            values.append(_nerve_rate(finish(current, reduce([(tallies, count)])),
                                      depth_mm, diameter_mm))  # fmt: skip
            counts.append(count)
        collected.extend(results)
        photons += round_photons
        mean, se = _batch_mean_se(values, counts)
        if progress is not None:
            progress(photons, photons)
        if fixed_photons is not None or photons >= max_photons or se <= target_rel_se * mean:
            break
        # the standard error falls as 1/sqrt(photons): aim 10 % past the target
        needed = photons * (se / (target_rel_se * mean)) ** 2 * 1.1 - photons
        round_photons = int(min(max_photons - photons, max(needed, FIRST_ROUND_PHOTONS)))
        if progress is not None:
            progress(photons, photons + round_photons)
        round_index += 1
    total = simulation.model_copy(update={"photons": photons, "batches": len(collected)})
    dataset = finish(total, reduce(collected))
    return NerveMonteCarlo(rate_per_mm2=mean, se_per_mm2=se, photons=photons,
                           elapsed_s=time.perf_counter() - started, dataset=dataset)  # fmt: skip


def _run_round(simulation: Simulation, batches: int, workers: int) -> list[tuple]:
    """Every batch of one round's simulation, in batch order."""
    from photodose.transport.layered import run_batch

    results: list[tuple] = []

    def run(index: int) -> tuple:
        return run_batch(simulation, index)

    def keep(_: int, result: tuple) -> None:
        results.append(result)

    run_ordered(range(batches), run, workers, keep)
    return results


def band_factor(site: Site, device: object, skin_type: int, peak: Simulation) -> float:
    """Band-weighted over peak-wavelength nerve dose on the fast path (1 for a laser)."""
    wavelengths, _ = emission_samples(device)  # type: ignore[arg-type]
    if len(wavelengths) == 1:
        return 1.0
    nerve = site.nerve
    band = light_field(site, device, skin_type)  # type: ignore[arg-type]
    band_rate = cross_section_fluence_rate(band, nerve.depth_mm, nerve.diameter_mm).mean_per_mm2
    at_peak = diffuse(peak.model_copy(update={"grid": planning_grid(site, peak.beam)}))
    peak_rate = cross_section_fluence_rate(at_peak, nerve.depth_mm,
                                           nerve.diameter_mm).mean_per_mm2  # fmt: skip
    return band_rate / peak_rate


def _nerve_rate(dataset: xr.Dataset, depth_mm: float, diameter_mm: float) -> float:
    return cross_section_fluence_rate(dataset, depth_mm, diameter_mm).mean_per_mm2


def _batch_mean_se(values: list[float], counts: list[int]) -> tuple[float, float]:
    """Photon-weighted mean of batch values and its standard error: a batch of n photons
    has variance sigma^2 / n, so sigma^2 = sum n_b (v_b - mean)^2 / (B - 1) and the
    mean's variance is sigma^2 / N."""
    v, n = np.asarray(values), np.asarray(counts, dtype=float)
    mean = float(np.dot(n, v) / n.sum())
    if v.size < 2:
        return mean, math.inf
    sigma2 = float(np.dot(n, (v - mean) ** 2) / (v.size - 1))
    return mean, math.sqrt(sigma2 / n.sum())


def _sampled(plan: Plan, site: Site, photons: int, seed: int,
             progress: ProgressCallback | None = None) -> Verification:
    request = plan.request
    started = time.perf_counter()
    light = light_field(site, request.device, request.patient.skin_type,
                        method="monte_carlo", photons=photons, seed=seed,
                        progress=progress)  # fmt: skip
    dose = dose_at_nerve(
        light, plan.power_W, plan.time_per_spot_s, plan.beam,
        site.nerve.depth_mm, site.nerve.diameter_mm, window=request.window,
    )  # fmt: skip
    return Verification(
        photons=photons,
        seed=seed,
        fast_fluence_J_per_cm2=plan.nerve_fluence_J_per_cm2,
        monte_carlo_fluence_J_per_cm2=dose.target_fluence_J_per_cm2,
        monte_carlo_se_J_per_cm2=dose.target_fluence_se_J_per_cm2,
        monte_carlo_min_J_per_cm2=dose.target_fluence_min_J_per_cm2,
        window_position=dose.window_class.position,
        dose=dose,
        method="sampled",
        elapsed_s=time.perf_counter() - started,
    )


def _aimed(plan: Plan, photons: int | None, seed: int, target_rel_se: float,
           max_photons: int, workers: int | None,
           progress: ProgressCallback | None) -> Verification:  # fmt: skip
    """The precise check: one run aimed at the nerve scores the whole band
    (planning/nerve_check.py)."""
    from photodose.planning.nerve_check import aimed_nerve_run  # numba only for a check

    request = plan.request
    site, device = plan.site, request.device
    beam = transport_beam(device)
    wavelengths, weights = emission_samples(device)
    order = np.argsort(-np.asarray(weights), kind="stable")  # the peak first
    wavelengths, weights = np.asarray(wavelengths)[order], np.asarray(weights)[order]
    stacks = [site.stack(float(wl), skin_type=request.patient.skin_type) for wl in wavelengths]
    run = aimed_nerve_run(
        site, beam, verification_grid(site, beam), stacks, wavelengths, weights, seed,
        target_rel_se=target_rel_se, max_photons=photons or max_photons,
        fixed_photons=photons, workers=workers, progress=progress,
    )  # fmt: skip
    nerve = site.nerve
    dose = dose_at_nerve(run.dataset, plan.power_W, plan.time_per_spot_s, beam,
                         nerve.depth_mm, nerve.diameter_mm, window=request.window)  # fmt: skip
    factor = run.rate_per_mm2 / run.peak_rate_per_mm2
    to_fluence = plan.power_W * plan.time_per_spot_s * 100.0  # W s per mm^2 -> J/cm^2
    fluence = run.rate_per_mm2 * to_fluence
    return Verification(
        photons=run.photons,
        seed=seed,
        fast_fluence_J_per_cm2=plan.nerve_fluence_J_per_cm2,
        monte_carlo_fluence_J_per_cm2=fluence,
        monte_carlo_se_J_per_cm2=run.se_per_mm2 * to_fluence,
        monte_carlo_min_J_per_cm2=dose.target_fluence_min_J_per_cm2 * factor,
        window_position=request.window.classify(fluence).position,
        dose=dose,
        method="precise",
        elapsed_s=run.elapsed_s,
        band_factor=factor,
    )
