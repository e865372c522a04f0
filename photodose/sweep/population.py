"""Population mode: patients sampled around one site, one protocol, the spread of the
nerve dose and of the peak skin temperature.

Each patient i draws from a generator seeded by (sweep seed, i) alone, so a patient is the
same whichever task, worker or block computes it. The factors, each independent and
uniform (an ASSUMPTION: the sources give ranges, not distributions or correlations):
- skin type: one of the spec's `skin_types` (Fitzpatrick);
- subcutaneous fat: within the site's fat-layer `thickness_range_mm` (non-plantar sites;
  the first subcutaneous fat layer);
- nerve centre depth: within the site's nerve `depth_range_mm`, independent of the fat
  (the nerve may then sit in a neighbouring layer, which changes nothing in the read-out:
  the fluence is read where the nerve is); not sampled, it moves with the fat above it;
- scattering: the reduced scattering amplitude a' (musp500_per_mm) of the skin layers and
  of the fat layers scaled within +- one standard deviation of Jacques 2013 Table 2's
  averages (Phys Med Biol 58:R37): skin a' = 48.0 +- 10.6 1/cm, fatty tissue
  19.3 +- 9.1 1/cm (the values photodose.optics.presets cites).

The protocol is a device, an average power and a time per spot; the dose band and the
temperature limit are the spec's. Peak skin temperature: the hottest point of the skin's
face and skin layers on the beam axis during the exposure (Pennes, as the planner does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from photodose.devices.library import load_device
from photodose.dose.nerve_dose import dose_at_nerve
from photodose.optics import tissue_preset
from photodose.planning.light import transport_beam
from photodose.planning.plan import SKIN_TISSUES, thermal_step
from photodose.sweep.cell import (
    CellWork,
    batch_blocks,
    fast_light,
    monte_carlo_light,
    prepare_cell,
    run_batches,
)
from photodose.sweep.spec import PopulationSpec, SweepSpec
from photodose.thermal import heat_from_transport
from photodose.tissue.library import load_site
from photodose.tissue.site import Site

# Jacques 2013 Table 2 (Phys Med Biol 58:R37): SD / mean of a' for skin and fatty tissue.
SKIN_SCATTERING_RELATIVE_SD = 10.6 / 48.0
FAT_SCATTERING_RELATIVE_SD = 9.1 / 19.3
FAT_TISSUE = "subcutaneous_fat"
# Thermal domain margin beyond the optical grid, as the planner uses.
THERMAL_PADDING_MM = 60.0


@dataclass(frozen=True)
class PatientSample:
    """One sampled patient's factors (None: the site's own value)."""

    index: int
    skin_type: int
    subcutaneous_fat_mm: float | None
    nerve_depth_mm: float | None
    skin_scattering_scale: float
    fat_scattering_scale: float


def _fat_layer(site: Site) -> int | None:
    if site.is_plantar:
        return None
    return next((i for i, layer in enumerate(site.layers) if layer.tissue == FAT_TISSUE), None)


def sample_patient(population: PopulationSpec, seed: int, index: int) -> PatientSample:
    """Patient `index`'s factors, fixed by (seed, index) alone."""
    rng = np.random.default_rng([seed, index])
    site = load_site(population.site)
    skin_type = int(population.skin_types[int(rng.integers(len(population.skin_types)))])
    fat = None
    fat_index = _fat_layer(site)
    if population.vary_fat and fat_index is not None:
        fat = float(rng.uniform(*site.layers[fat_index].thickness_range_mm))
    depth = float(rng.uniform(*site.nerve.depth_range_mm)) if population.vary_nerve_depth else None
    skin_scale = fat_scale = 1.0
    if population.vary_optics:
        skin_scale = float(rng.uniform(1 - SKIN_SCATTERING_RELATIVE_SD,
                                       1 + SKIN_SCATTERING_RELATIVE_SD))  # fmt: skip
        fat_scale = float(rng.uniform(1 - FAT_SCATTERING_RELATIVE_SD,
                                      1 + FAT_SCATTERING_RELATIVE_SD))  # fmt: skip
    return PatientSample(index, skin_type, fat, depth, skin_scale, fat_scale)


def patient_site(site: Site, sample: PatientSample) -> Site:
    """The site for one sampled patient.

    The fat layer takes the sampled thickness. The nerve takes its sampled depth; when the
    depth is not sampled it moves with a fat layer above it, held inside the site's nerve
    range (a patient outside the ranges is not in the population)."""
    layers = [layer.model_dump() for layer in site.layers]
    fat = _fat_layer(site)
    depth = site.nerve.depth_mm
    if fat is not None and sample.subcutaneous_fat_mm is not None:
        layers[fat]["thickness_mm"] = sample.subcutaneous_fat_mm
        if fat < site.nerve_layer_index():
            depth += sample.subcutaneous_fat_mm - site.layers[fat].thickness_mm
    if sample.nerve_depth_mm is not None:
        depth = sample.nerve_depth_mm
    depth = float(np.clip(depth, *site.nerve.depth_range_mm))
    for layer in layers:
        scale = 1.0
        if layer["tissue"] in SKIN_TISSUES:
            scale = sample.skin_scattering_scale
        elif layer["tissue"] == FAT_TISSUE:
            scale = sample.fat_scattering_scale
        if scale != 1.0:
            base = layer["composition"].get(
                "musp500_per_mm", tissue_preset(layer["tissue"]).musp500_per_mm
            )
            layer["composition"] = layer["composition"] | {"musp500_per_mm": base * scale}
    nerve = site.nerve.model_dump() | {"depth_mm": depth}
    return Site.model_validate(site.model_dump() | {"layers": layers, "nerve": nerve})


def peak_skin_temperature_C(light: xr.Dataset, site: Site, power_W: float,
                            time_s: float) -> float:  # fmt: skip
    """Hottest point of the skin face and skin layers on the axis during the exposure."""
    heating = heat_from_transport(
        light, [layer.tissue for layer in site.layers], power_W=power_W, duration_s=time_s,
        cooling_s=0.0, padding_mm=THERMAL_PADDING_MM, ramp_levels=2,
        dt_max_s=thermal_step(time_s),
    )  # fmt: skip
    is_skin = np.array([layer.tissue in SKIN_TISSUES for layer in site.layers])
    layer_of_cell = np.minimum(heating["layer_index"].values, len(site.layers)) - 1
    axis = heating["temperature_C"].values[:, is_skin[layer_of_cell]]
    surface = heating["surface_temperature_C"].values
    return float(max(surface.max(), axis.max() if axis.size else -np.inf))


def protocol_power_W(population: PopulationSpec) -> float:
    return population.power_W or load_device(population.device).average_power_W


def patient_work(spec: SweepSpec, sample: PatientSample) -> CellWork:
    population = spec.population
    assert population is not None
    site = patient_site(load_site(population.site), sample)
    coords = {"site": population.site, "device": population.device,
              "skin_type": sample.skin_type, "patient": sample.index}  # fmt: skip
    return prepare_cell(coords, spec.seed, spec.photons, spec.batches, site=site)


def evaluate_patient(spec: SweepSpec, sample: PatientSample) -> dict[str, float]:
    """Nerve dose and peak skin temperature of one patient (in-task, single process)."""
    population = spec.population
    assert population is not None
    work = patient_work(spec, sample)
    if spec.engine == "fast":
        light = fast_light(work)
    else:
        per_wavelength = [[run_batches(sim, block) for block in batch_blocks(sim, 10**9)]
                          for sim in work.simulations]  # fmt: skip
        light = monte_carlo_light(work, per_wavelength)
    power = protocol_power_W(population)
    dose = dose_at_nerve(light, power, population.time_s, transport_beam(work.device),
                         work.site.nerve.depth_mm, work.site.nerve.diameter_mm,
                         window=population.window)  # fmt: skip
    peak = (peak_skin_temperature_C(light, work.site, power, population.time_s)
            if population.temperature else np.nan)  # fmt: skip
    fat = _fat_layer(work.site)
    se = dose.target_fluence_se_J_per_cm2
    return {
        "skin_type": float(sample.skin_type),
        "subcutaneous_fat_mm": work.site.layers[fat].thickness_mm if fat is not None else np.nan,
        "nerve_depth_mm": work.site.nerve.depth_mm,
        "skin_scattering_scale": sample.skin_scattering_scale,
        "fat_scattering_scale": sample.fat_scattering_scale,
        "nerve_fluence_J_per_cm2": dose.target_fluence_J_per_cm2,
        "nerve_fluence_se_J_per_cm2": np.nan if se is None else se,
        "nerve_fluence_rate_mW_per_cm2": dose.target_fluence_rate_mW_per_cm2,
        "peak_skin_temperature_C": peak,
        "photons": float(work.photons) if spec.engine == "monte-carlo" else 0.0,
    }


def evaluate_block(spec: SweepSpec, start: int, stop: int) -> dict[str, np.ndarray]:
    """A task: patients start .. stop - 1, as arrays per variable."""
    population = spec.population
    assert population is not None
    rows = [evaluate_patient(spec, sample_patient(population, spec.seed, i))
            for i in range(start, stop)]  # fmt: skip
    return {name: np.array([row[name] for row in rows]) for name in rows[0]}


def summary(dataset: xr.Dataset, population: PopulationSpec) -> dict[str, Any]:
    """Median, 5-95 % range and shares over the patients done."""
    done = dataset["done"].values.astype(bool)
    fluence = dataset["nerve_fluence_J_per_cm2"].values[done]
    peak = dataset["peak_skin_temperature_C"].values[done]
    window = population.window
    inside = (fluence >= window.lower_J_per_cm2) & (fluence <= window.upper_J_per_cm2)
    f05, f50, f95 = np.percentile(fluence, [5.0, 50.0, 95.0])
    # no thermal solve: NaN temperatures and shares
    t05, t50, t95 = np.percentile(peak, [5.0, 50.0, 95.0])
    above = float((peak > population.temperature_limit_C).mean())
    if not population.temperature:
        above = float("nan")
    return {
        "patients": int(done.sum()),
        "nerve_fluence_median_J_per_cm2": float(f50),
        "nerve_fluence_p05_J_per_cm2": float(f05),
        "nerve_fluence_p95_J_per_cm2": float(f95),
        "share_in_dose_band": float(inside.mean()),
        "peak_skin_temperature_median_C": float(t50),
        "peak_skin_temperature_p05_C": float(t05),
        "peak_skin_temperature_p95_C": float(t95),
        "share_above_temperature_limit": above,
    }
