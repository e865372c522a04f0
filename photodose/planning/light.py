"""The light field a device makes at a site, per watt: fast path or Monte Carlo.

The device's beam becomes a transport beam (an LED array: a flat-top disc of the same
treated area and power, an approximation stated in every plan); its emission spectrum is
sampled at a few wavelengths and the per-wavelength fields are combined with the
emission weights (photodose.dose.spectral).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import numpy as np
import xarray as xr

from photodose.devices.device import Device
from photodose.dose.spectral import spectrally_weighted
from photodose.errors import ModelRangeError
from photodose.optics.emission import _FWHM_PER_SIGMA
from photodose.optics.spectra import WAVELENGTH_MAX_NM, WAVELENGTH_MIN_NM
from photodose.specs import Beam, Grid, Simulation
from photodose.tissue.site import Site
from photodose.transport.diffusion_layered import diffuse
from photodose.transport.layered import simulate

Method = Literal["diffusion", "monte_carlo"]

LED_ARRAY_BEAM_NOTE = (
    "LED array modelled as a flat-top disc of the same treated area and total power "
    "(its mean irradiance); the real pattern is a sum of Lambertian emitters"
)


def transport_beam(device: Device) -> Beam:
    if device.probe is not None:
        return device.probe.beam
    area_mm2 = device.treated_area_cm2 * 100.0
    return Beam(profile="flat_top", radius_mm=math.sqrt(area_mm2 / math.pi))


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
) -> xr.Dataset:
    """Fluence rate and absorbed power per watt delivered, spectrum-weighted."""
    if method == "diffusion":
        return _cached_diffusion(site.model_dump_json(), device.model_dump_json(), skin_type)
    sims, weights = simulations(site, device, skin_type, photons, seed)
    return _combine([simulate(sim) for sim in sims], weights)


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
