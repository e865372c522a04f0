"""Results of one problem at several wavelengths, as one Dataset with a wavelength_nm axis."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import xarray as xr

WAVELENGTH_DIM = "wavelength_nm"


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
    # an attribute equal at every wavelength stays one value; one that differs (the
    # scattering count, capped packets) becomes a list in wavelength order
    stacked.attrs = {}
    for key, value in first.attrs.items():
        if key in ("simulation", "wavelength_nm"):
            continue
        values = [ds.attrs.get(key) for ds in results]
        same = all(_equal(v, value) for v in values)
        stacked.attrs[key] = value if same else [_plain(v) for v in values]
    specs = [json.loads(ds.attrs["simulation"]) for ds in results]
    stacked.attrs["simulations"] = json.dumps(specs)
    stacked.attrs["beam"] = json.dumps(specs[0]["beam"])
    return stacked


def _equal(a: object, b: object) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None else b is None


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value
