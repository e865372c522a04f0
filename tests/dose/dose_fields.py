"""Synthetic transport results with a known fluence field, for the dose tests.

The field is evaluated at the bin centres; the last r and z bins (MCML's overflow bins)
are filled with a huge value so that any use of them shows up as a wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from photodose.specs import Beam

OVERFLOW_SENTINEL = 1.0e6

Field = Callable[[np.ndarray, np.ndarray], np.ndarray]


def synthetic_result(
    field: Field,
    dr_mm: float,
    dz_mm: float,
    nr: int,
    nz: int,
    beam: Beam | None = None,
    wavelength_nm: float | None = None,
    absorbed_by_layer: tuple[float, ...] = (0.3, 0.2),
) -> xr.Dataset:
    """A result-like Dataset whose fluence rate (W/mm^2 per W) is field(r, z) at centres."""
    r = (np.arange(nr) + 0.5) * dr_mm
    z = (np.arange(nz) + 0.5) * dz_mm
    values = field(r[:, None], z[None, :]) * np.ones((nr, nz))
    values[-1, :] = OVERFLOW_SENTINEL
    values[:, -1] = OVERFLOW_SENTINEL
    layers = np.arange(1, len(absorbed_by_layer) + 1)
    dataset = xr.Dataset(
        {
            "fluence_rate_rz_per_mm2": (("r_mm", "z_mm"), values),
            "fluence_rate_rz_per_mm2_se": (("r_mm", "z_mm"), 0.01 * values),
            "absorbed_fraction_by_layer": (("layer",), np.array(absorbed_by_layer)),
            "absorbed_fraction_by_layer_se": (("layer",), 0.001 * np.array(absorbed_by_layer)),
            "specular_reflectance": ((), 0.028),
        },
        coords={
            "r_mm": r,
            "z_mm": z,
            "layer": layers,
            "layer_name": ("layer", [f"layer{i}" for i in layers]),
        },
    )
    if beam is not None:
        dataset.attrs["simulation"] = '{"beam": ' + beam.model_dump_json() + ', "photons": 1}'
    if wavelength_nm is not None:
        dataset.attrs["wavelength_nm"] = wavelength_nm
    return dataset
