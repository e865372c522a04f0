"""`photodose plan` and `check` make no dask array, so xarray is kept from importing
dask.array to ask whether each array is one (photodose.cli.dask_check); once dask.array
is imported, xarray recognises dask arrays as before. Each case in a fresh interpreter,
where nothing has imported dask yet."""

from __future__ import annotations

import subprocess
import sys

import pytest

PLAN = """
import sys
sys.argv = ["photodose", *{args!r}]
from photodose.cli import main
try:
    main()
except SystemExit as stop:
    assert not stop.code, stop.code
assert "xarray" in sys.modules
print("DASK ARRAY LOADED:", "dask.array" in sys.modules)
"""

AFTER = """
import numpy as np
import xarray as xr
from xarray.namedarray import pycompat
from photodose.cli.dask_check import defer_dask_array_import
assert defer_dask_array_import()
plain = xr.DataArray(np.arange(4.0), dims="x")
import sys
assert "dask.array" not in sys.modules
import dask.array as da
lazy = xr.DataArray(da.ones(4, chunks=2), dims="x")
assert lazy.chunks == ((2, 2),), lazy.chunks
assert isinstance(lazy.data, pycompat.array_type("dask"))
assert not isinstance(plain.data, pycompat.array_type("dask"))
assert float((lazy + plain).sum().compute()) == 10.0
masked = xr.DataArray(da.ma.masked_equal(da.arange(4.0, chunks=2), 1.0), dims="x")
assert np.isnan(masked.values[1]) and masked.values[2] == 2.0
print("OK")
"""


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("args", [
    ("plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--samples", "20"),
    ("check", "--site", "wrist-median", "--device", "808nm-laser-probe", "--power-W", "0.1",
     "--time-s", "60"),
])  # fmt: skip
def test_plan_and_check_do_not_import_dask_array(args: tuple[str, ...], tmp_path) -> None:
    out = _run(PLAN.format(args=[*args, "--report", str(tmp_path / "r.html")]))
    assert "DASK ARRAY LOADED: False" in out


def test_dask_arrays_are_still_recognised_once_imported() -> None:
    assert "OK" in _run(AFTER)
