"""Turn reduced tallies into a labelled xarray Dataset, normalised per watt delivered.

Every array quantity `q` comes with `q_se`, its standard error from batch statistics.
Radial densities follow MCML (Wang et al. 1995, sec. 4): the annulus of radial bin i
has area 2 pi (i + 1/2) dr^2. Angular densities use the exact solid angle of exit-angle
bin j, 4 pi sin((j + 1/2) da) sin(da / 2) (MCML uses 2 pi sin(a) da, and also divides
Rd(r, a) by cos(a); io/mcml_format.py converts when writing .mco files). As in MCML the
last radial and depth bins also hold everything beyond the grid: leave them out of
profiles (`overflow` attribute).

Units: lengths mm; per-watt powers, so `absorbed_rz_per_mm3` is W/mm^3 absorbed per W
delivered and `fluence_rate_rz_per_mm2` is W/mm^2 per W (multiply by power in W and
time in s for J/mm^2; by 100 more for J/cm^2).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from photodose._version import __version__
from photodose.specs import Simulation
from photodose.transport.tallies import Accumulator

# name in the accumulator -> (output name, dims)
_OUTPUTS = {
    "rd": ("diffuse_reflectance", ()),
    "tt": ("transmittance", ()),
    "a": ("absorbed_fraction", ()),
    "a_layer": ("absorbed_fraction_by_layer", ("layer",)),
    "rd_r": ("rd_r_per_mm2", ("r_mm",)),
    "rd_a": ("rd_a_per_sr", ("exit_angle_rad",)),
    "rd_ra": ("rd_ra_per_mm2_sr", ("r_mm", "exit_angle_rad")),
    "tt_r": ("tt_r_per_mm2", ("r_mm",)),
    "tt_a": ("tt_a_per_sr", ("exit_angle_rad",)),
    "tt_ra": ("tt_ra_per_mm2_sr", ("r_mm", "exit_angle_rad")),
    "a_z": ("absorbed_z_per_mm", ("z_mm",)),
    "a_rz": ("absorbed_rz_per_mm3", ("r_mm", "z_mm")),
    "f_rz": ("fluence_rate_rz_per_mm2", ("r_mm", "z_mm")),
}


def bin_measures(simulation: Simulation) -> dict[str, np.ndarray]:
    """Annulus areas (mm^2), solid angles (sr) and annulus volumes (mm^3) of the grid."""
    grid = simulation.grid
    ring = 2.0 * np.pi * (np.arange(grid.nr) + 0.5) * grid.dr_mm**2
    angle = (np.arange(grid.na) + 0.5) * grid.da_rad
    solid = 4.0 * np.pi * np.sin(angle) * np.sin(grid.da_rad / 2.0)
    return {"area": ring, "solid_angle": solid, "volume": ring * grid.dz_mm}


def _density(name: str, values: np.ndarray, measures: dict[str, np.ndarray], dz: float):
    area, solid, volume = measures["area"], measures["solid_angle"], measures["volume"]
    if name in ("rd_r", "tt_r"):
        return values / area
    if name in ("rd_a", "tt_a"):
        return values / solid
    if name in ("rd_ra", "tt_ra"):
        return values / area[:, None] / solid[None, :]
    if name == "a_z":
        return values / dz
    if name in ("a_rz", "f_rz"):
        return values / volume[:, None]
    return values


def result_coords(simulation: Simulation, angles: bool = True) -> dict[str, tuple]:
    """Bin-centre coordinates shared by every transport result (Monte Carlo, diffusion)."""
    grid = simulation.grid
    coords: dict[str, tuple] = {
        "r_mm": ("r_mm", (np.arange(grid.nr) + 0.5) * grid.dr_mm, {"units": "mm"}),
        "z_mm": ("z_mm", (np.arange(grid.nz) + 0.5) * grid.dz_mm, {"units": "mm"}),
        "layer": ("layer", np.arange(1, len(simulation.stack.layers) + 1)),
        "layer_name": ("layer", [layer.name for layer in simulation.stack.layers]),
    }
    if angles:
        coords["exit_angle_rad"] = (
            "exit_angle_rad", (np.arange(grid.na) + 0.5) * grid.da_rad, {"units": "rad"}
        )
    return coords


def label_result(dataset: xr.Dataset, simulation: Simulation) -> xr.Dataset:
    """The attributes every transport result carries: its spec, units and version."""
    dataset.attrs.update(
        overflow="the last r_mm and z_mm bins also hold everything beyond the grid",
        normalisation="per watt delivered (launched power, before specular reflection)",
        simulation=simulation.to_json(),
        photodose_version=__version__,
    )
    if simulation.wavelength_nm is not None:
        dataset.attrs["wavelength_nm"] = simulation.wavelength_nm
    return dataset


def build_dataset(simulation: Simulation, acc: Accumulator, rsp: float) -> xr.Dataset:
    grid = simulation.grid
    measures = bin_measures(simulation)
    coords = result_coords(simulation)
    data: dict[str, tuple] = {
        "specular_reflectance": ((), rsp, {"units": "1 (fraction of delivered power)"})
    }
    for key, (out, dims) in _OUTPUTS.items():
        mean = _density(key, acc.mean(key), measures, grid.dz_mm)
        error = _density(key, acc.standard_error(key), measures, grid.dz_mm)
        data[out] = (dims, mean)
        data[f"{out}_se"] = (dims, error)
    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs.update(
        photons=simulation.photons,
        seed=simulation.seed,
        batches=acc.batches,
        scatterings=int(acc.counts[0]),
        lost_packets=int(acc.counts[1]),
    )
    return label_result(dataset, simulation)
