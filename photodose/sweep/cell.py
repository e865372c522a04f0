"""One cell of a sweep: a site, a device and a patient become transport problems, their
photon batches, and the nerve's fluence rate per watt.

A cell's seed comes from the sweep seed and the cell's coordinates (a SHA-256 hash),
never from a worker, a clock or the cell's place in a queue. Photon i of a simulation
draws the stream fixed by (seed, i) (photodose.transport.rng), so batch b of a cell is
the same numbers wherever it runs, and the batches are reduced in index order: the
cell's result is the same bit for bit on one process or many.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.dose.nerve_dose import dose_at_nerve
from photodose.dose.spectral import spectrally_weighted
from photodose.planning.light import simulations, transport_beam
from photodose.specs import Simulation
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site
from photodose.transport import diffuse, finish, reduce, run_batch
from photodose.transport.tallies import BatchTallies

Batches = list[tuple[BatchTallies, int]]
# mW/cm^2 per W/mm^2: 100 mm^2 per cm^2 x 1000 mW per W
MW_PER_CM2_PER_W_PER_MM2 = 1.0e5


def cell_seed(sweep_seed: int, coords: dict[str, Any]) -> int:
    """A 63-bit seed from the sweep seed and the cell's coordinates (order-free)."""
    text = json.dumps({"seed": sweep_seed, "cell": coords}, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little") >> 1


@dataclass(frozen=True)
class CellWork:
    """Everything a worker needs for one cell (picklable, computes nothing)."""

    coords: dict[str, Any]
    site: Site
    """The site adapted to the cell's patient factors."""
    device: Device
    skin_type: int
    simulations: tuple[Simulation, ...]
    """One per emission wavelength sample."""
    weights: tuple[float, ...]
    """Emission weights of those wavelengths (sum 1)."""

    @property
    def photons(self) -> int:
        return sum(sim.photons for sim in self.simulations)


def prepare_cell(
    coords: dict[str, Any],
    sweep_seed: int,
    photons: int,
    batches: int | None = None,
    site: Site | None = None,
) -> CellWork:
    """The cell's transport problems. `site` overrides the library site named in coords
    (a population's sampled patient); ValueError if a factor leaves the site's range."""
    base = site if site is not None else load_site(coords["site"])
    device = load_device(coords["device"])
    if coords.get("wavelength_nm") is not None:
        device = device.updated(**{"emission.peak_nm": float(coords["wavelength_nm"])})
    skin_type = int(coords.get("skin_type", 2))
    patient = Patient(skin_type=skin_type, subcutaneous_fat_mm=coords.get("subcutaneous_fat_mm"))
    adapted = base.for_patient(patient) if site is None else base
    sims, weights = simulations(
        adapted, device, skin_type, photons=photons, seed=cell_seed(sweep_seed, coords)
    )
    if batches is not None:
        sims = [sim.updated(batches=batches) for sim in sims]
    return CellWork(
        coords=dict(coords),
        site=adapted,
        device=device,
        skin_type=skin_type,
        simulations=tuple(sims),
        weights=tuple(float(w) for w in weights),
    )


def batch_blocks(simulation: Simulation, batches_per_task: int) -> list[tuple[int, ...]]:
    """Batch indices grouped into tasks, in index order."""
    count = simulation.batch_count
    return [tuple(range(start, min(start + batches_per_task, count)))
            for start in range(0, count, batches_per_task)]  # fmt: skip


def run_batches(simulation: Simulation, indices: Sequence[int]) -> Batches:
    """A task: the tallies of the given batches, in the order given."""
    return [run_batch(simulation, int(index)) for index in indices]


def monte_carlo_light(work: CellWork, per_wavelength: Sequence[Sequence[Batches]]) -> xr.Dataset:
    """The cell's light field from its batches: per wavelength, the task outputs in task
    order (each in batch order), reduced in batch order, labelled, spectrum-weighted."""
    fields = []
    for simulation, tasks in zip(work.simulations, per_wavelength, strict=True):
        ordered = [pair for task in tasks for pair in task]
        if len(ordered) != simulation.batch_count:
            raise ValueError(
                f"cell {work.coords}: {len(ordered)} batches for {simulation.batch_count}"
            )
        fields.append(finish(simulation, reduce(ordered)))
    return _combine(fields, work.weights)


def fast_light(work: CellWork) -> xr.Dataset:
    """The cell's light field on the fast path (layered diffusion)."""
    return _combine([diffuse(sim) for sim in work.simulations], work.weights)


def _combine(fields: list[xr.Dataset], weights: Sequence[float]) -> xr.Dataset:
    if len(fields) == 1:
        return fields[0]
    combined = spectrally_weighted(fields, np.asarray(weights))
    combined.attrs.setdefault("simulation", fields[0].attrs["simulation"])
    return combined


def nerve_values(work: CellWork, light: xr.Dataset) -> dict[str, float]:
    """The cell's numbers at the nerve, per watt delivered (see store.CELL_VARIABLES)."""
    site = work.site
    per_watt = dose_at_nerve(light, 1.0, 1.0, transport_beam(work.device),
                             site.nerve.depth_mm, site.nerve.diameter_mm)  # fmt: skip
    se = per_watt.target_fluence_se_J_per_cm2
    # fluence at 1 W for 1 s in J/cm^2 is the rate in W/cm^2 per W: x 1000 for mW
    return {
        "nerve_fluence_rate_mW_per_cm2_per_W": per_watt.target_fluence_rate_mW_per_cm2,
        "nerve_fluence_rate_se_mW_per_cm2_per_W": float("nan") if se is None else se * 1e3,
        "nerve_fluence_rate_min_mW_per_cm2_per_W": per_watt.target_fluence_rate_min_mW_per_cm2,
        "fraction_of_surface_irradiance": per_watt.fraction_of_surface_irradiance,
        "nerve_depth_mm": site.nerve.depth_mm,
    }


def monte_carlo_cell(work: CellWork, *per_wavelength: Sequence[Batches]) -> dict[str, float]:
    """A task: reduce a cell's batches and measure at the nerve."""
    values = nerve_values(work, monte_carlo_light(work, per_wavelength))
    values["photons"] = float(work.photons)
    return values


def voxel_cell(work: CellWork, photons_per_wavelength: int) -> dict[str, float]:
    """A task: the cell in its site's 3-D model (photodose.planning.geometry), the model's
    photons set to the sweep's and its seed to the cell's. The voxel run is single-threaded
    here (one worker, one core) and gives the same numbers on any thread count."""
    from photodose.planning.geometry import model_per_watt  # numba loads in the worker only

    wavelengths = len(work.simulations)
    site = work.site.updated(**{"model.photons": photons_per_wavelength * wavelengths,
                                "model.seed": work.simulations[0].seed})  # fmt: skip
    per_watt = model_per_watt(site, work.device, work.skin_type, workers=1)
    return {
        "nerve_fluence_rate_mW_per_cm2_per_W": per_watt.nerve_mean * MW_PER_CM2_PER_W_PER_MM2,
        "nerve_fluence_rate_se_mW_per_cm2_per_W": per_watt.nerve_se * MW_PER_CM2_PER_W_PER_MM2,
        # the model's nerve dose is a mean over the nerve's voxels: no cross-section minimum
        # or surface ratio is read from it
        "nerve_fluence_rate_min_mW_per_cm2_per_W": float("nan"),
        "fraction_of_surface_irradiance": float("nan"),
        "nerve_depth_mm": work.site.nerve.depth_mm,
        "photons": float(per_watt.photons),
    }


def fast_cell(work: CellWork) -> dict[str, float]:
    """A task: the fast-path cell."""
    values = nerve_values(work, fast_light(work))
    values["photons"] = 0.0
    return values
