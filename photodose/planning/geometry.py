"""The nerve dose in the site's 3-D model: one voxel Monte Carlo run per wavelength per
watt, scaled to the plan's power and time, cached on disk.

Fluence is linear in the delivered energy, so one run at 1 W (seeded, fixed photon
count: the site model's) serves every power and time; the plan's search stays on the
layered fast path and the 3-D result is scaled to the setting it finds. The heat model
stays the layered one. The per-watt result is cached under a hash of everything it
depends on (volume with its optics, source, wavelength, photons, seed, the reductions,
photodose's version), so a warm plan does not re-run it.

Where the light comes from: a probe's beam (flat-top disc, Gaussian or pencil) at the
block's centre; an LED pad as its emitter grid (the device's layout, stand-off and cos^m
emission, photodose.tissue.site_volume.pad_source) centred over the block.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache

import numpy as np

from photodose._version import __version__
from photodose.devices.device import Device
from photodose.dose import section as section_module
from photodose.dose import structure as structure_module
from photodose.dose.section import fluence_slice, section
from photodose.dose.structure import structure_dose
from photodose.errors import BadInputError
from photodose.io.array_cache import Arrays, cached_arrays, source_fingerprint
from photodose.planning.light import emission_samples, transport_beam
from photodose.planning.model_dose import ModelDose, ModelSlice, Outline, ProgressCallback
from photodose.specs.voxel_simulation import VoxelSimulation, VoxelSource
from photodose.tissue.site import Site
from photodose.tissue.site_model import SiteModel
from photodose.tissue.site_volume import NERVE_MEDIUM, model_volume, pad_source
from photodose.transport import (
    batch_sums,
    batches,
    photon,
    rng,
    tallies,
    voxel_kernel,
    voxel_raster,
)
from photodose.transport import voxel as voxel_module
from photodose.transport.voxel import simulate_voxel
from photodose.units import MM2_PER_CM2, MW_PER_W

# The slice of the fluence shown in the report: the x-z plane through the spot's centre,
# averaged over this band of y for noise, in pixels of the model's cell size.
SLICE_BAND_MM = 1.0
# Under a probe the nerve dose is taken over this length of nerve centred on the spot:
# the layered estimate is the cross-section through the beam's axis (y = 0), and a mean
# over the whole beam width (+-4 mm for the 808 nm probe) comes out 6 % lower for that
# reason alone at the ankle's 11 mm depth (layered diffusion field); within +-1 mm of the
# axis it changes by 1 %, so 2 mm keeps the two like for like with enough voxels for a mean.
NERVE_BAND_MM = 2.0
CACHE_KIND = "site-model-dose"
# Part of the cache key: raise it when `_reduce` changes what it keeps, so that results
# reduced by older code (same photodose version during development) are not read back.
REDUCTION_VERSION = 3


@cache
def _code_fingerprint() -> str:
    """The code a cached result depends on beyond its inputs: the voxel engine, its photon
    physics and random streams, the batch statistics and this module's reductions."""
    return source_fingerprint(voxel_kernel, voxel_module, voxel_raster, photon, rng, batches,
                              tallies, batch_sums, structure_module, section_module,
                              sys.modules[__name__])  # fmt: skip


def _model(site: Site) -> SiteModel:
    if site.model is None:
        raise BadInputError("site.model", None, f"a 3-D model: site {site.name!r} has none")
    return site.model


def spot_centre_mm(model: SiteModel) -> tuple[float, float]:
    return model.width_mm / 2.0, model.length_mm / 2.0


def model_source(site: Site, device: Device) -> tuple[VoxelSource, tuple[float, float] | None]:
    """The device's light on the model, and the y range of nerve the dose is taken over
    (a probe: NERVE_BAND_MM through the spot's centre; None for a pad: every nerve in the
    block)."""
    model = _model(site)
    x0, y0 = spot_centre_mm(model)
    if device.led_array is not None:
        return pad_source(device.led_array, (x0, y0)), None
    beam = transport_beam(device)
    kinds = {"flat_top": "disk", "gaussian": "gaussian", "pencil": "pencil"}
    source = VoxelSource(kind=kinds[beam.profile], position_mm=(x0, y0, 0.0),
                         radius_mm=beam.radius_mm)  # fmt: skip
    half = max(NERVE_BAND_MM / 2.0, model.voxel_mm)
    return source, (y0 - half, y0 + half)


@dataclass(frozen=True)
class PerWatt:
    """The 3-D result per watt, emission-weighted; fluence rates in W/mm^2 per W."""

    nerve_mean: float
    nerve_se: float
    nerve_voxels: int
    cells: np.ndarray
    cell_voxels: np.ndarray
    slice_values: np.ndarray
    slice_x_mm: np.ndarray
    slice_z_mm: np.ndarray
    lost_fraction: float
    photons: int
    wavelengths_nm: tuple[float, ...]
    cached: bool


def model_per_watt(
    site: Site, device: Device, skin_type: int | None,
    progress: ProgressCallback | None = None, vessels: bool = True, workers: int | None = None,
) -> PerWatt:  # fmt: skip
    """The nerve dose per watt in the site's model: one cached voxel run per wavelength of
    the emission (the model's photons shared between them), combined with the emission
    weights (standard errors combined as independent runs). `workers`: threads of the
    voxel run (the numbers are the same for any count, so it is not part of the cache key)."""
    model = _model(site)
    wavelengths, weights = emission_samples(device)
    source, segment = model_source(site, device)
    photons = max(1000, model.photons // len(wavelengths))
    total = photons * len(wavelengths)
    parts: list[Arrays] = []
    all_cached = True
    for index, wavelength in enumerate(wavelengths):
        volume = model_volume(site, float(wavelength), skin_type, vessels=vessels,
                              segment_mm=segment)  # fmt: skip
        run = VoxelSimulation(volume=volume, source=source, photons=photons, seed=model.seed,
                              wavelength_nm=float(wavelength))  # fmt: skip
        key = {"simulation": run.model_dump(mode="json"), "photodose": __version__,
               "cell_mm": model.cell_mm, "slice": [spot_centre_mm(model)[1], SLICE_BAND_MM],
               "nerve": NERVE_MEDIUM, "reduction": REDUCTION_VERSION,
               "code": _code_fingerprint()}  # fmt: skip
        done = index * photons

        def compute(run: VoxelSimulation = run, done: int = done) -> Arrays:
            tick = None if progress is None else (lambda n, _t: progress(done + n, total))
            return _reduce(simulate_voxel(run, workers=workers, progress=tick), model)

        arrays, hit = cached_arrays(CACHE_KIND, key, compute)
        all_cached = all_cached and hit
        if progress is not None:
            progress(done + photons, total)
        parts.append(arrays)
    w = np.asarray(weights, dtype=float)

    def mix(name: str) -> np.ndarray:
        return sum(wi * p[name] for wi, p in zip(w, parts, strict=True))  # type: ignore[return-value]

    def mix_se(name: str) -> np.ndarray:
        return np.sqrt(sum((wi * p[name]) ** 2 for wi, p in zip(w, parts, strict=True)))

    nerve = mix("nerve")
    return PerWatt(
        nerve_mean=float(nerve[0]), nerve_se=float(mix_se("nerve")[1]),
        nerve_voxels=int(parts[0]["nerve"][2]), cells=mix("cells"),
        cell_voxels=parts[0]["cell_voxels"], slice_values=mix("slice"),
        slice_x_mm=parts[0]["slice_x"], slice_z_mm=parts[0]["slice_z"],
        lost_fraction=float(mix("lost")[0]), photons=total,
        wavelengths_nm=tuple(float(x) for x in wavelengths), cached=all_cached,
    )  # fmt: skip


def _reduce(result, model: SiteModel) -> Arrays:  # type: ignore[no-untyped-def]
    """What the plan needs of one wavelength's run (the full field is not kept)."""
    dose = structure_dose(result, NERVE_MEDIUM)
    cells = section(result, NERVE_MEDIUM, model.cell_mm)
    plane = fluence_slice(result, spot_centre_mm(model)[1], SLICE_BAND_MM, model.cell_mm)
    faces = result.exit_by_face.sel(face=["x_min", "x_max", "y_min", "y_max", "z_max"])
    lost = float(faces.sum()) + float(result.missed_fraction)
    return {
        "nerve": np.array([dose.mean_per_mm2, dose.mean_se_per_mm2, dose.voxels]),
        "cells": cells.cells_per_mm2, "cell_voxels": cells.voxels,
        "slice": plane.values_per_mm2, "slice_x": plane.x_mm, "slice_z": plane.z_mm,
        "lost": np.array([lost]),
    }  # fmt: skip


def model_dose(site: Site, device: Device, per_watt: PerWatt, power_W: float, time_s: float,
               layered_J_per_cm2: float) -> ModelDose:  # fmt: skip
    """The per-watt 3-D result scaled to `power_W` for `time_s` (fluence is linear in
    the delivered energy)."""
    model = _model(site)
    to_J = power_W * time_s * MM2_PER_CM2
    cells = per_watt.cells * to_J
    # a cell's relative error, estimated from the whole nerve's batch error: noise in a
    # mean over n voxels grows as 1/sqrt(n) (the cells' own batch errors are not tallied)
    relative = (per_watt.nerve_se / per_watt.nerve_mean
                * np.sqrt(per_watt.nerve_voxels / per_watt.cell_voxels))  # fmt: skip
    source, segment = model_source(site, device)
    x0, _ = spot_centre_mm(model)
    depth = site.nerve.depth_mm
    outlines = [Outline(name=site.nerve.name, kind="nerve", x_mm=x0 + offset, z_mm=depth,
                        radius_mm=site.nerve.radius_mm)
                for offset in model.nerve_offsets_mm]  # fmt: skip
    outlines += [Outline(name=v.name, kind="vessel", x_mm=x0 + v.offset_mm,
                         z_mm=depth + v.depth_mm, radius_mm=v.diameter_mm / 2.0)
                 for v in model.vessels]  # fmt: skip
    return ModelDose(
        geometry=_geometry_words(site, model),
        source=_source_words(source, device),
        wavelengths_nm=per_watt.wavelengths_nm, photons=per_watt.photons, seed=model.seed,
        voxel_mm=model.voxel_mm, nerve_voxels=per_watt.nerve_voxels,
        nerve_length_mm=model.length_mm if segment is None else segment[1] - segment[0],
        mean_J_per_cm2=per_watt.nerve_mean * to_J,
        mean_se_J_per_cm2=per_watt.nerve_se * to_J,
        mean_fluence_rate_mW_per_cm2=per_watt.nerve_mean * power_W * MM2_PER_CM2 * MW_PER_W,
        minimum_J_per_cm2=float(cells.min()),
        p5_J_per_cm2=float(np.percentile(cells, 5.0)),
        cell_mm=model.cell_mm, cell_median_relative_se=float(np.median(relative)),
        layered_J_per_cm2=layered_J_per_cm2, lost_fraction=per_watt.lost_fraction,
        slice=ModelSlice(
            x_mm=tuple(float(x) for x in per_watt.slice_x_mm),
            z_mm=tuple(float(z) for z in per_watt.slice_z_mm),
            fluence_J_per_cm2=tuple(tuple(float(v) for v in row)
                                    for row in per_watt.slice_values * to_J),
            y_band_mm=SLICE_BAND_MM, outlines=tuple(outlines),
        ),
    )  # fmt: skip


def _geometry_words(site: Site, model: SiteModel) -> str:
    nerves = len(model.nerve_offsets_mm)
    nerve = site.nerve.name if nerves == 1 else f"{nerves} x {site.nerve.name}"
    vessels = ", ".join(v.name for v in model.vessels)
    depth = site.nerve.depth_mm + site.nerve.radius_mm + model.below_nerve_mm
    return (f"3-D model of {site.name}: {nerve}" + (f" with {vessels}" if vessels else "")
            + f" as cylinders; {model.voxel_mm:g} mm voxels, block {model.width_mm:g} x "
            f"{model.length_mm:g} x {min(depth, site.thickness_mm):.1f} mm")  # fmt: skip


def _source_words(source: VoxelSource, device: Device) -> str:
    if source.kind == "led_array":
        array = device.led_array
        assert array is not None
        return (f"LED pad as its emitter grid: {len(source.emitters)} LEDs at "
                f"{array.pitch_mm:g} mm pitch, {array.standoff_mm:g} mm above the skin, "
                f"cos^{array.order_m:.2g} emission")  # fmt: skip
    words = {"disk": "flat-top disc", "gaussian": "Gaussian beam", "pencil": "pencil beam"}
    radius = f", radius {source.radius_mm:.3g} mm" if source.radius_mm else ""
    return f"{words[source.kind]}{radius} at the block's centre"
