"""The issue's sweep spec and a way to scale it down to test size."""

from __future__ import annotations

from typing import Any

import xarray as xr

from photodose.sweep.spec import SweepSpec, parse_sweep

ISSUE_SPEC_TOML = """\
[sweep]
seed = 11
engine = "monte-carlo"          # or "fast"
photons = 20000
[sweep.grid]
site = ["wrist-median", "medial-ankle-tibial"]
device = ["808nm-laser-probe", "890nm-led-pad"]
skin_type = [2, 5]
"""


def small(spec: SweepSpec, **update: Any) -> SweepSpec:
    """The spec with test-sized photon counts (validated again)."""
    fields = {"photons": 600, "batches": 6, "batches_per_task": 2} | update
    return parse_sweep(spec.model_dump(mode="json") | fields)


def assert_bit_identical(a: xr.Dataset, b: xr.Dataset) -> None:
    """Same variables, coordinates and values, bit for bit (NaN equal to NaN)."""
    assert set(a.data_vars) == set(b.data_vars)
    for name in [*a.data_vars, *a.coords]:
        left, right = a[name].values, b[name].values
        assert left.dtype == right.dtype, name
        if left.dtype.kind == "f":
            assert left.tobytes() == right.tobytes(), name
        else:
            assert (left == right).all(), name
