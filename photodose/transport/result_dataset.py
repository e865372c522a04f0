"""Turn reduced tallies into a labelled xarray Dataset, normalised per watt delivered.

Every array quantity `q` comes with `q_se`, its standard error from batch statistics.
Names, dimensions, units and the normalisation: `photodose.specs.result`. Radial
densities follow MCML (Wang et al. 1995, sec. 4): the annulus of radial bin i has area
2 pi (i + 1/2) dr^2. Angular densities use the exact solid angle of exit-angle bin j,
4 pi sin((j + 1/2) da) sin(da / 2) (MCML uses 2 pi sin(a) da, and also divides
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

from photodose.specs import Simulation
from photodose.specs import result as schema
from photodose.specs.result import label_result, result_coords
from photodose.transport.tallies import Accumulator

# name in the accumulator -> output name (photodose.specs.result holds dims and units)
_OUTPUTS = {
    "rd": schema.DIFFUSE_REFLECTANCE,
    "tt": schema.TRANSMITTANCE,
    "a": schema.ABSORBED_FRACTION,
    "a_layer": schema.ABSORBED_BY_LAYER,
    "rd_r": schema.RD_R,
    "rd_a": schema.RD_A,
    "rd_ra": schema.RD_RA,
    "tt_r": schema.TT_R,
    "tt_a": schema.TT_A,
    "tt_ra": schema.TT_RA,
    "a_z": schema.ABSORBED_Z,
    "a_rz": schema.ABSORBED_RZ,
    "f_rz": schema.FLUENCE_RATE_RZ,
}


def bin_measures(simulation: Simulation) -> dict[str, np.ndarray]:
    """Annulus areas (mm^2), solid angles (sr) and annulus volumes (mm^3) of the grid."""
    grid = simulation.grid
    return {
        "area": grid.ring_areas_mm2,
        "solid_angle": grid.solid_angles_sr,
        "volume": grid.ring_volumes_mm3,
    }


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


def build_dataset(simulation: Simulation, acc: Accumulator, rsp: float) -> xr.Dataset:
    grid = simulation.grid
    measures = bin_measures(simulation)
    coords = result_coords(simulation)
    data: dict[str, tuple] = {schema.SPECULAR_REFLECTANCE: ((), rsp)}
    for key, out in _OUTPUTS.items():
        dims = schema.VARIABLES[out].dims
        mean = _density(key, acc.mean(key), measures, grid.dz_mm)
        error = _density(key, acc.standard_error(key), measures, grid.dz_mm)
        data[out] = (dims, mean)
        data[schema.standard_error(out)] = (dims, error)
    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs.update(
        photons=simulation.photons,
        seed=simulation.seed,
        batches=acc.batches,
        scatterings=int(acc.counts[0]),
        lost_packets=int(acc.counts[1]),
    )
    return label_result(dataset, simulation)
