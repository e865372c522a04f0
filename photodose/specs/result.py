"""The result schema of photon transport, in one place: variable names, their dimensions,
coordinates, CF-style `units` and `long_name` attributes, and the normalisation.

Every transport result (Monte Carlo `simulate`, diffusion `diffuse`, an MCML .mco file
read back) is an xarray Dataset with these names. Values are per watt delivered (the
launched power, before specular reflection): `absorbed_rz_per_mm3` is W/mm^3 absorbed
per W, `fluence_rate_rz_per_mm2` W/mm^2 per W (times power in W and time in s: J/mm^2).
Units follow UDUNITS syntax as the CF conventions ask (CF 1.11, sec. 3.1): "1" for a
fraction, "mm-2" for per square millimetre. Every quantity `q` from Monte Carlo also has
`q_se`, its standard error from batch statistics, with the same units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from photodose._version import __version__

if TYPE_CHECKING:  # xarray is imported by the modules that build datasets, not here
    import xarray as xr

    from photodose.specs.simulation import Simulation

# coordinates (bin centres)
R = "r_mm"
Z = "z_mm"
EXIT_ANGLE = "exit_angle_rad"
LAYER = "layer"
LAYER_NAME = "layer_name"
WAVELENGTH = "wavelength_nm"

# variables
SPECULAR_REFLECTANCE = "specular_reflectance"
DIFFUSE_REFLECTANCE = "diffuse_reflectance"
TRANSMITTANCE = "transmittance"
ABSORBED_FRACTION = "absorbed_fraction"
ABSORBED_BY_LAYER = "absorbed_fraction_by_layer"
RD_R = "rd_r_per_mm2"
RD_A = "rd_a_per_sr"
RD_RA = "rd_ra_per_mm2_sr"
TT_R = "tt_r_per_mm2"
TT_A = "tt_a_per_sr"
TT_RA = "tt_ra_per_mm2_sr"
ABSORBED_Z = "absorbed_z_per_mm"
ABSORBED_RZ = "absorbed_rz_per_mm3"
FLUENCE_RATE_RZ = "fluence_rate_rz_per_mm2"

STANDARD_ERROR_SUFFIX = "_se"
NORMALISATION = "per watt delivered (launched power, before specular reflection)"
OVERFLOW = "the last r_mm and z_mm bins also hold everything beyond the grid"


@dataclass(frozen=True)
class Quantity:
    dims: tuple[str, ...]
    units: str
    long_name: str


VARIABLES: dict[str, Quantity] = {
    SPECULAR_REFLECTANCE: Quantity((), "1", "specular reflectance (fraction of delivered power)"),
    DIFFUSE_REFLECTANCE: Quantity((), "1", "diffuse reflectance (fraction of delivered power)"),
    TRANSMITTANCE: Quantity((), "1", "total transmittance (fraction of delivered power)"),
    ABSORBED_FRACTION: Quantity((), "1", "absorbed fraction of delivered power"),
    ABSORBED_BY_LAYER: Quantity((LAYER,), "1", "absorbed fraction of delivered power by layer"),
    RD_R: Quantity((R,), "mm-2", "diffuse reflectance per area, by radius"),
    RD_A: Quantity((EXIT_ANGLE,), "sr-1", "diffuse reflectance per solid angle, by exit angle"),
    RD_RA: Quantity((R, EXIT_ANGLE), "mm-2 sr-1", "diffuse reflectance per area and solid angle"),
    TT_R: Quantity((R,), "mm-2", "transmittance per area, by radius"),
    TT_A: Quantity((EXIT_ANGLE,), "sr-1", "transmittance per solid angle, by exit angle"),
    TT_RA: Quantity((R, EXIT_ANGLE), "mm-2 sr-1", "transmittance per area and solid angle"),
    ABSORBED_Z: Quantity((Z,), "mm-1", "absorbed power per depth, per watt delivered"),
    ABSORBED_RZ: Quantity((R, Z), "mm-3", "absorbed power per volume, per watt delivered"),
    FLUENCE_RATE_RZ: Quantity((R, Z), "mm-2", "fluence rate, per watt delivered"),
}

COORDINATES: dict[str, Quantity] = {
    R: Quantity((R,), "mm", "radial distance from the beam axis (bin centre)"),
    Z: Quantity((Z,), "mm", "depth below the tissue surface (bin centre)"),
    EXIT_ANGLE: Quantity((EXIT_ANGLE,), "rad", "exit angle from the surface normal (bin centre)"),
    LAYER: Quantity((LAYER,), "1", "layer number, 1 at the top"),
    LAYER_NAME: Quantity((LAYER,), "", "layer name"),
    WAVELENGTH: Quantity((WAVELENGTH,), "nm", "wavelength in vacuum"),
}


def standard_error(name: str) -> str:
    """The name of the standard error of variable `name`."""
    return name + STANDARD_ERROR_SUFFIX


def quantity(name: str) -> Quantity | None:
    """The schema entry of a variable or coordinate (a `_se` name: its quantity's)."""
    if name in COORDINATES:
        return COORDINATES[name]
    if name in VARIABLES:
        return VARIABLES[name]
    if name.endswith(STANDARD_ERROR_SUFFIX):
        base = VARIABLES.get(name.removesuffix(STANDARD_ERROR_SUFFIX))
        if base is not None:
            return Quantity(base.dims, base.units, f"standard error of the {base.long_name}")
    return None


def schema_attrs(name: str) -> dict[str, Any]:
    """CF `units` and `long_name` of a variable or coordinate; {} if not in the schema."""
    entry = quantity(name)
    if entry is None:
        return {}
    attrs: dict[str, Any] = {"long_name": entry.long_name}
    if entry.units:
        attrs["units"] = entry.units
    return attrs


def result_coords(simulation: Simulation, angles: bool = True) -> dict[str, tuple[Any, ...]]:
    """Bin-centre coordinates shared by every transport result, with their attributes."""
    grid = simulation.grid
    layers = simulation.stack.layers
    coords: dict[str, tuple[Any, ...]] = {
        R: (R, grid.r_centres_mm, schema_attrs(R)),
        Z: (Z, grid.z_centres_mm, schema_attrs(Z)),
        LAYER: (LAYER, np.arange(1, len(layers) + 1), schema_attrs(LAYER)),
        LAYER_NAME: (LAYER, [layer.name for layer in layers], schema_attrs(LAYER_NAME)),
    }
    if angles:
        coords[EXIT_ANGLE] = (EXIT_ANGLE, grid.angle_centres_rad, schema_attrs(EXIT_ANGLE))
    return coords


def label_result(dataset: xr.Dataset, simulation: Simulation) -> xr.Dataset:
    """The attributes every transport result carries: its spec, normalisation, version, and
    `units` and `long_name` on every variable and coordinate of the schema."""
    for name in [*dataset.data_vars, *dataset.coords]:
        dataset[name].attrs.update(schema_attrs(str(name)))
    dataset.attrs.update(
        overflow=OVERFLOW,
        normalisation=NORMALISATION,
        simulation=simulation.to_json(),
        photodose_version=__version__,
    )
    if simulation.wavelength_nm is not None:
        dataset.attrs["wavelength_nm"] = simulation.wavelength_nm
    return dataset
