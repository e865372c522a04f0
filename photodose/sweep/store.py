"""The sweep's zarr dataset: a template written first, one region per finished cell, a
done-mask.

The template holds every coordinate, every variable (NaN until its cell is done, with its
CF `units` and `long_name`), the `done` mask (False) and the spec that made it. A cell is
written by plain zarr region assignment into its own chunks, values first and its `done`
flag last, so an interrupted write leaves the cell not done and a rerun recomputes it.
Reopening a store made by a different spec is refused: it would mix two sweeps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
import zarr

from photodose._version import __version__
from photodose.errors import BadInputError

DONE = "done"


@dataclass(frozen=True)
class Variable:
    name: str
    units: str
    long_name: str
    dtype: str = "float64"


def _attrs(variable: Variable) -> dict[str, str]:
    return {"units": variable.units, "long_name": variable.long_name}


def create_or_open(
    path: str | Path,
    coords: Mapping[str, Sequence[Any]],
    variables: Sequence[Variable],
    spec_json: str,
    chunks: Mapping[str, int] | None = None,
    attrs: Mapping[str, Any] | None = None,
    labels: Mapping[str, tuple[str, Sequence[Any]]] | None = None,
) -> np.ndarray:
    """Write the template at `path` unless it exists; return the done-mask.

    `coords`: the dimensions and their values; `labels`: further coordinates along a
    dimension ({name: (dim, values)}, e.g. each listed cell's site); `chunks` per
    dimension (default 1: one chunk per cell). An existing store must have been made by
    the same spec (`spec_json`), else BadInputError."""
    path = Path(path)
    if path.exists():
        try:
            existing = xr.open_zarr(path, consolidated=False)
        except Exception as error:  # noqa: BLE001 - any unreadable store is the user's file
            raise BadInputError("--out", str(path), "exists and is not a photodose sweep store "
                                "(choose a new path)", reason=str(error)) from error  # fmt: skip
        if existing.attrs.get("sweep_spec") != spec_json:
            raise BadInputError(
                "--out", str(path),
                "holds a different sweep (its spec differs); choose a new path or delete it",
            )  # fmt: skip
        return existing[DONE].values.astype(bool)
    dims = tuple(coords)
    shape = tuple(len(v) for v in coords.values())
    data: dict[str, Any] = {
        v.name: (dims, np.full(shape, np.nan, dtype=v.dtype), _attrs(v)) for v in variables
    }
    data[DONE] = (dims, np.zeros(shape, dtype=bool),
                  {"long_name": "cell finished and written", "units": "1"})  # fmt: skip
    all_coords = {name: (name, _coordinate(values)) for name, values in coords.items()}
    all_coords |= {
        name: (dim, _coordinate(values)) for name, (dim, values) in (labels or {}).items()
    }
    template = xr.Dataset(
        data,
        coords=all_coords,
        attrs={
            "sweep_spec": spec_json,
            "photodose_version": __version__,
            **(attrs or {}),
        },  # fmt: skip
    )
    sizes = {d: (chunks or {}).get(d, 1) for d in dims}
    encoding = {name: {"chunks": tuple(sizes[d] for d in dims)} for name in [*data]}
    template.to_zarr(path, mode="w-", encoding=encoding, consolidated=False)
    return np.zeros(shape, dtype=bool)


def _coordinate(values: Sequence[Any]) -> np.ndarray:
    array = np.asarray(values)
    # zarr v3 specifies variable-length strings, not numpy's fixed-width ones
    return array.astype(object) if array.dtype.kind == "U" else array


class RegionWriter:
    """Writes finished cells (or blocks of cells) into an existing store."""

    def __init__(self, path: str | Path) -> None:
        self.group = zarr.open_group(str(path), mode="r+")

    def write(self, region: tuple[int | slice, ...], values: dict[str, Any]) -> None:
        """Values first, then the done flag: a crash in between leaves the cell undone."""
        for name, value in values.items():
            self._array(name)[region] = value
        self._array(DONE)[region] = True

    def _array(self, name: str) -> zarr.Array:
        array = self.group[name]
        assert isinstance(array, zarr.Array), name
        return array


def open_result(path: str | Path) -> xr.Dataset:
    """The store as an xarray Dataset, loaded into memory."""
    with xr.open_zarr(path, consolidated=False) as ds:
        return ds.load()
