"""Save and load transport results as netCDF (self-describing, readable anywhere)."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from photodose.errors import BadInputError, InputFileError


def save_result(dataset: xr.Dataset, path: str | Path) -> Path:
    """Write `dataset` to a netCDF file (`.nc`); returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".nc":
        raise BadInputError("result path", repr(str(path)), "use a .nc (netCDF) file name")
    dataset.to_netcdf(path, engine="scipy")
    return path


def load_result(path: str | Path) -> xr.Dataset:
    """Read a result written by `save_result`, fully into memory."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such result file")
    with xr.open_dataset(path, engine="scipy") as dataset:
        return dataset.load()
