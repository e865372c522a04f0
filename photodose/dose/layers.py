"""Energy absorbed in each tissue layer over an exposure."""

from __future__ import annotations

import xarray as xr

from photodose.dose.validation import require_non_negative
from photodose.errors import BadInputError
from photodose.specs import result as schema

ABSORBED_BY_LAYER = schema.ABSORBED_BY_LAYER


def absorbed_energy_by_layer_J(
    dataset: xr.Dataset, power_W: float, duration_s: float
) -> xr.Dataset:
    """Absorbed energy per layer, J: the fraction of delivered power absorbed in each layer
    (transport result `absorbed_fraction_by_layer`) x power x time.

    Returns `absorbed_energy_J` over the `layer` dimension (with `layer_name`) and, when
    the result carries standard errors, `absorbed_energy_se_J`.
    """
    if ABSORBED_BY_LAYER not in dataset:
        raise BadInputError(
            "dataset", f"no variable {ABSORBED_BY_LAYER!r}", "pass a transport result"
        )
    energy_per_watt_s = require_non_negative("power_W", power_W) * require_non_negative(
        "duration_s", duration_s
    )
    out = xr.Dataset()
    out["absorbed_energy_J"] = dataset[ABSORBED_BY_LAYER] * energy_per_watt_s
    out["absorbed_energy_J"].attrs = {"units": "J"}
    se_name = f"{ABSORBED_BY_LAYER}_se"
    if se_name in dataset:
        out["absorbed_energy_se_J"] = dataset[se_name] * energy_per_watt_s
        out["absorbed_energy_se_J"].attrs = {"units": "J"}
    return out
