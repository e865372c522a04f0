"""A transport result as one tidy CSV table: a row per quantity and bin.

Columns: quantity, units, the coordinates (wavelength_nm, layer, r_mm, z_mm,
exit_angle_rad; empty where a quantity has no such axis), value, standard_error (empty
where the result has none, as in MCML's files) and overflow (1 in the last r or z bin,
which also holds everything beyond the grid). Units are those of the result schema
(photodose.specs.result): per watt delivered, lengths in mm. Any spreadsheet, pandas
(`pd.read_csv`) or R reads it; netCDF (`.nc`) keeps the attributes and the spec as well.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import xarray as xr

from photodose.specs import result as schema

COORDINATE_COLUMNS = (schema.WAVELENGTH, schema.LAYER, schema.R, schema.Z, schema.EXIT_ANGLE)
COLUMNS = ("quantity", "units", *COORDINATE_COLUMNS, "value", "standard_error", "overflow")
_FLAGS = {schema.R: schema.R_OVERFLOW, schema.Z: schema.Z_OVERFLOW}


def result_rows(dataset: xr.Dataset) -> list[list[str]]:
    """The table's rows (header first), every number in full precision (repr)."""
    rows: list[list[str]] = [list(COLUMNS)]
    for name, variable in dataset.data_vars.items():
        name = str(name)
        if name.endswith(schema.STANDARD_ERROR_SUFFIX):
            continue
        se_name = schema.standard_error(name)
        se = dataset[se_name].transpose(*variable.dims).values if se_name in dataset else None
        values = variable.values
        units = str(variable.attrs.get("units", ""))
        axes = [dataset[dim].values for dim in variable.dims]
        flags = [
            dataset[_FLAGS[dim]].values if dim in _FLAGS and _FLAGS[dim] in dataset.coords
            else None
            for dim in variable.dims
        ]  # fmt: skip
        for index in itertools.product(*(range(len(axis)) for axis in axes)):
            where = dict.fromkeys(COORDINATE_COLUMNS, "")
            overflow = 0
            for dim, axis, flag, i in zip(variable.dims, axes, flags, index, strict=True):
                where[str(dim)] = _number(axis[i])
                if flag is not None:
                    overflow |= int(flag[i])
            rows.append([
                name, units, *(where[c] for c in COORDINATE_COLUMNS),
                _number(values[index]), "" if se is None else _number(se[index]), str(overflow),
            ])  # fmt: skip
    return rows


def write_result_csv(dataset: xr.Dataset, path: str | Path) -> Path:
    """Write the table to `path` (a .csv name) and return it."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(result_rows(dataset))
    return path


def _number(value: object) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, float) else str(value)


EXPORT_SUFFIXES = (".nc", ".csv")


def export_result(dataset: xr.Dataset, path: str | Path) -> Path:
    """Write a result as netCDF (.nc, everything) or as the tidy CSV table (.csv)."""
    from photodose.errors import BadInputError
    from photodose.io.result_file import save_result

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".nc":
        return save_result(dataset, path)
    if suffix == ".csv":
        return write_result_csv(dataset, path)
    raise BadInputError("path", str(path), "use a file name ending in .nc or .csv")
