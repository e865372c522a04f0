"""Results of one problem at several wavelengths, as one Dataset with a wavelength_nm axis."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import xarray as xr

WAVELENGTH_DIM = "wavelength_nm"
# Attributes that differ from one wavelength to the next: kept per wavelength, as lists.
_PER_WAVELENGTH = ("simulation", "wavelength_nm", "scatterings", "lost_packets")


def stack_wavelengths(results: Sequence[xr.Dataset]) -> xr.Dataset:
    """Concatenate single-wavelength results (same grid and layers) along wavelength_nm.

    The attribute `simulation` becomes `simulations`, a JSON list in wavelength order;
    the beam, grid and layer thicknesses are the same in every one of them."""
    if not results:
        raise ValueError("results: give at least one transport result")
    if len(results) == 1:
        return results[0]
    missing = [i for i, ds in enumerate(results) if "wavelength_nm" not in ds.attrs]
    if missing:
        raise ValueError(
            f"results {missing} record no wavelength_nm (set Simulation.wavelength_nm)"
        )
    first = results[0]
    for i, ds in enumerate(results[1:], start=1):
        for coord in ("r_mm", "z_mm", "layer_name", "exit_angle_rad"):
            if coord in first.coords and not np.array_equal(ds[coord].values, first[coord].values):
                raise ValueError(f"result {i} has a different {coord} from result 0")
    wavelengths = np.array([float(ds.attrs["wavelength_nm"]) for ds in results])
    stacked = xr.concat(
        list(results),
        dim=xr.Variable(WAVELENGTH_DIM, wavelengths, {"units": "nm", "long_name": "wavelength"}),
        data_vars="all",
        coords="minimal",
        compat="override",
        combine_attrs="override",  # variables keep their units and long_name
    )
    stacked.attrs = {k: v for k, v in first.attrs.items() if k not in _PER_WAVELENGTH}
    specs = [json.loads(ds.attrs["simulation"]) for ds in results]
    stacked.attrs["simulations"] = json.dumps(specs)
    simulation = json.loads(first.attrs["simulation"])
    stacked.attrs["beam"] = json.dumps(simulation["beam"])
    for key in ("scatterings", "lost_packets"):
        if all(key in ds.attrs for ds in results):
            stacked.attrs[key] = [int(ds.attrs[key]) for ds in results]
    return stacked
