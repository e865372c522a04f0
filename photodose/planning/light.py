"""The light field a device makes at a site, per watt: fast path or Monte Carlo.

The device's beam becomes a transport beam (an LED array: a flat-top disc of the same
treated area and power for the dose search; its pattern of diodes is resolved by
photodose.planning.led_pattern); its emission spectrum is
sampled at a few wavelengths and the per-wavelength fields are combined with the
emission weights (photodose.dose.spectral).
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import Literal

import numpy as np
import xarray as xr

from photodose.devices.device import Device
from photodose.dose.spectral import spectrally_weighted
from photodose.errors import BadInputError, ModelRangeError
from photodose.optics.emission import _FWHM_PER_SIGMA
from photodose.optics.spectra import WAVELENGTH_MAX_NM, WAVELENGTH_MIN_NM
from photodose.specs import Beam, Grid, Simulation
from photodose.tissue.site import Site
from photodose.transport.diffusion_layered import diffuse
from photodose.transport.grid_coverage import GridCoverageWarning
from photodose.transport.progress_bar import ProgressCallback, photon_bar
from photodose.units import MM2_PER_CM2

Method = Literal["diffusion", "monte_carlo"]
# Beam.radius_mm's upper bound (specs/beam.py)
BEAM_RADIUS_MAX_MM = float(Beam.model_fields["radius_mm"].metadata[-1].le)

LED_ARRAY_BEAM_NOTE = (
    "LED pad: the dose search uses the pad's mean irradiance (a flat-top disc of the "
    "pad's area and power); the values under a diode and between diodes come from the "
    "sum of single-LED fields (the LED pattern table)"
)


def transport_beam(device: Device) -> Beam:
    if device.probe is not None:
        return device.probe.beam
    area_mm2 = device.treated_area_cm2 * MM2_PER_CM2
    radius_mm = math.sqrt(area_mm2 / math.pi)
    if radius_mm > BEAM_RADIUS_MAX_MM:
        array = device.led_array
        assert array is not None
        layout = (
            f"{array.rows} x {array.cols} LEDs at {array.pitch_mm:g} mm pitch"
            if array.positions_mm is None
            else f"{array.element_count} LED positions"
        )
        raise BadInputError(
            f"device {device.name!r}: led_array", layout,
            f"covers {device.treated_area_cm2:,.0f} cm2, as much light as a disc of radius "
            f"{radius_mm:,.0f} mm; the transport model takes beams up to "
            f"{BEAM_RADIUS_MAX_MM:g} mm in radius (a pad is treated as one beam)",
        )  # fmt: skip
    return Beam(profile="flat_top", radius_mm=radius_mm)


def emission_samples(device: Device) -> tuple[np.ndarray, np.ndarray]:
    """A laser's line, or an LED's Gaussian band by 3-point Gauss-Hermite quadrature:
    the peak and peak +- sqrt(3) sigma with weights 2/3, 1/6, 1/6, exact for any quantity
    polynomial of degree 5 or less in wavelength over the band (Abramowitz & Stegun
    1964, Handbook of Mathematical Functions, 25.4.46). Doses vary smoothly over an LED's
    30-60 nm, so three transport solutions do the work of many."""
    emission = device.emission
    if emission.kind == "laser":
        return emission.sample()
    sigma = emission.fwhm_nm / _FWHM_PER_SIGMA
    nodes = emission.peak_nm + math.sqrt(3.0) * sigma * np.array([-1.0, 0.0, 1.0])
    weights = np.array([1.0, 4.0, 1.0]) / 6.0
    if nodes[0] < WAVELENGTH_MIN_NM or nodes[-1] > WAVELENGTH_MAX_NM:
        raise ModelRangeError(
            "optical data",
            f"emission: peak_nm = {emission.peak_nm}, fwhm_nm = {emission.fwhm_nm}: the band "
            f"({nodes[0]:.0f}-{nodes[-1]:.0f} nm at +-sqrt(3) sigma) leaves the optical data's "
            f"{WAVELENGTH_MIN_NM:g}-{WAVELENGTH_MAX_NM:g} nm"
        )
    return nodes, weights


def planning_grid(site: Site, beam: Beam) -> Grid:
    """Bins fine enough for the skin and the nerve, reaching well past both."""
    depth_mm = min(site.thickness_mm, site.nerve.depth_mm + site.nerve.diameter_mm + 10.0)
    dz = 0.25 if depth_mm <= 40.0 else 0.5
    reach_mm = beam.radius_mm + 25.0
    # broad LED pads: the field near the axis, where the nerve is, is flat; coarser
    # radial bins keep the thermal solve of a wide grid fast
    dr = 0.25 if reach_mm <= 40.0 else (0.5 if reach_mm <= 60.0 else 1.0)
    # +1: the last bins collect everything beyond the grid
    return Grid(dr_mm=dr, dz_mm=dz, nr=int(math.ceil(reach_mm / dr)) + 1,
                nz=int(math.ceil(depth_mm / dz)) + 1)  # fmt: skip


def verification_grid(site: Site, beam: Beam) -> Grid:
    """The planning grid's radial bins (the pencil run must reach the beam radius plus
    the light's lateral spread), its depth cut 1 mm below the nerve."""
    grid = planning_grid(site, beam)
    depth = site.nerve.depth_mm + site.nerve.radius_mm + 1.0
    return grid.model_copy(update={"nz": min(grid.nz, int(math.ceil(depth / grid.dz_mm)) + 2)})


def simulations(
    site: Site, device: Device, skin_type: int, photons: int = 100_000, seed: int = 1
) -> tuple[list[Simulation], np.ndarray]:
    beam = transport_beam(device)
    grid = planning_grid(site, beam)
    wavelengths, weights = emission_samples(device)
    sims = [
        Simulation(stack=site.stack(float(wl), skin_type=skin_type), beam=beam, grid=grid,
                   photons=photons, seed=seed, wavelength_nm=float(wl))
        for wl in wavelengths
    ]  # fmt: skip
    return sims, weights


def light_field(
    site: Site,
    device: Device,
    skin_type: int,
    method: Method = "diffusion",
    photons: int = 100_000,
    seed: int = 1,
    progress: ProgressCallback | bool | None = None,
) -> xr.Dataset:
    """Fluence rate and absorbed power per watt delivered, spectrum-weighted.

    `progress` (True for a bar with an ETA, or a callback(done, total)) follows the Monte
    Carlo photons over every sampled wavelength.
    """
    if method == "diffusion":
        return _cached_diffusion(site.model_dump_json(), device.model_dump_json(), skin_type)
    sims, weights = simulations(site, device, skin_type, photons, seed)
    if progress is True:
        with photon_bar("Monte Carlo", sum(sim.photons for sim in sims)) as bar:
            return _monte_carlo(sims, weights, bar)
    return _monte_carlo(sims, weights, progress or None)


def _monte_carlo(
    sims: list[Simulation], weights: np.ndarray, progress: ProgressCallback | None
) -> xr.Dataset:
    # the Monte Carlo driver (numba and its compiled kernels) loads only when asked for
    from photodose.transport.layered import simulate

    total = sum(sim.photons for sim in sims)
    fields = []
    with warnings.catch_warnings():
        # planning_grid stops 10 mm below the nerve on purpose: its last z bin is overflow
        warnings.simplefilter("ignore", GridCoverageWarning)
        for index, sim in enumerate(sims):
            before = index * sim.photons

            def tick(done: int, _total: int, before: int = before) -> None:
                if progress is not None:
                    progress(before + done, total)

            fields.append(simulate(sim, progress=tick))
    return _combine(fields, weights)


def _combine(fields: list[xr.Dataset], weights: np.ndarray) -> xr.Dataset:
    if len(fields) == 1:
        return fields[0]
    wavelengths = [f.attrs["wavelength_nm"] for f in fields]
    combined = spectrally_weighted(fields, weights, wavelengths)
    combined.attrs.setdefault("simulation", fields[0].attrs["simulation"])
    return combined


@lru_cache(maxsize=64)
def _cached_diffusion(site_json: str, device_json: str, skin_type: int) -> xr.Dataset:
    site = Site.model_validate_json(site_json)
    device = Device.model_validate_json(device_json)
    sims, weights = simulations(site, device, skin_type)
    return _combine([diffuse(sim) for sim in sims], weights)
