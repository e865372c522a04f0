"""Save and load transport results as netCDF (self-describing, readable anywhere)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from photodose.errors import BadInputError, InputFileError
from photodose.io.output_path import atomic_write


def save_result(dataset: xr.Dataset, path: str | Path) -> Path:
    """Write `dataset` to a netCDF file (`.nc`); returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".nc":
        raise BadInputError("result path", repr(str(path)), "use a .nc (netCDF) file name")
    # written whole or not at all: a failure leaves no partial file
    with atomic_write(path) as temporary:
        _netcdf3_safe(dataset).to_netcdf(temporary, engine="scipy")
    return path


_INT32 = (-(2**31), 2**31 - 1)


def _netcdf3_safe(dataset: xr.Dataset) -> xr.Dataset:
    """netCDF-3 attributes hold 32-bit integers at most: a larger one (a 64-bit seed, the
    scattering count of a long run) is written as its exact decimal text."""

    def fits(value: object) -> bool:
        values = np.atleast_1d(np.asarray(value))
        if values.dtype.kind not in "iu" or values.size == 0:
            return True
        return bool(values.min() >= _INT32[0] and values.max() <= _INT32[1])

    def safe(value: object) -> object:
        if fits(value):
            return value
        array = np.asarray(value)
        values = np.atleast_1d(array).tolist()
        return str(values[0]) if array.ndim == 0 else " ".join(map(str, values))

    if all(fits(v) for v in dataset.attrs.values()):
        return dataset
    copy = dataset.copy(deep=False)
    copy.attrs = {key: safe(value) for key, value in dataset.attrs.items()}
    return copy


def load_result(path: str | Path) -> xr.Dataset:
    """Read a result written by `save_result`, fully into memory."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such result file" if not path.exists() else "is not a file")
    with xr.open_dataset(path, engine="scipy") as dataset:
        return dataset.load()
