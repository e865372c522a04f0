"""A nerve's cross-section and a slice of the fluence from a voxel result (the nerve
along y, as in photodose.tissue.site_volume).

The minimum and the 5th percentile over a structure's single voxels are biased low by
noise wherever few photons reach them (photodose.dose.structure). Here the fluence is
first averaged along the nerve (over the structure's length) and over square cells of the
cross-section, so each cell holds many voxels; the count of voxels per cell is kept so a
cell's error can be estimated from the structure's (photodose.planning.geometry).
Values are per watt of source power.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import xarray as xr

from photodose.errors import BadInputError


@dataclass(frozen=True)
class Section:
    """Fluence rate per W in the cells of a structure's cross-section (x, z), W/mm^2."""

    cells_per_mm2: np.ndarray
    voxels: np.ndarray
    """Voxels of the structure in each cell."""
    cell_mm: float


def _label(dataset: xr.Dataset, structure: str) -> int:
    names = json.loads(dataset.attrs["media_names"])
    if structure not in names:
        raise BadInputError("structure", structure, f"one of the volume's media: {names}")
    return names.index(structure) + 1


def _cell_factor(dataset: xr.Dataset, cell_mm: float) -> int:
    voxel_mm = float(dataset.attrs["voxel_mm"])
    return max(1, round(cell_mm / voxel_mm))


def section(dataset: xr.Dataset, structure: str, cell_mm: float) -> Section:
    """The structure's fluence averaged along y and over cells of about `cell_mm` in x
    and z (whole voxels); cells less than half inside the structure are left out."""
    inside = dataset.labels.values == _label(dataset, structure)
    field = np.where(inside, dataset.fluence_rate_per_mm2.values, 0.0)
    k = _cell_factor(dataset, cell_mm)
    count = _blocks(inside.sum(axis=1).astype(float), k)
    total = _blocks(field.sum(axis=1), k)
    full = count.max(initial=0.0)
    keep = count >= 0.5 * full
    if full == 0 or not keep.any():
        raise BadInputError("structure", structure, "a medium that holds at least one voxel")
    return Section(
        cells_per_mm2=total[keep] / count[keep],
        voxels=count[keep],
        cell_mm=k * float(dataset.attrs["voxel_mm"]),
    )


def _blocks(plane: np.ndarray, k: int) -> np.ndarray:
    """Sums over k x k blocks of a 2-D array (the ragged edge dropped)."""
    nx, nz = (plane.shape[0] // k) * k, (plane.shape[1] // k) * k
    trimmed = plane[:nx, :nz]
    return trimmed.reshape(nx // k, k, nz // k, k).sum(axis=(1, 3))


@dataclass(frozen=True)
class FluenceSlice:
    """Fluence rate per W in an x-z plane, averaged over a band of y, W/mm^2."""

    x_mm: np.ndarray
    z_mm: np.ndarray
    values_per_mm2: np.ndarray
    """(x, z)"""
    y_mm: float
    band_mm: float


def fluence_slice(dataset: xr.Dataset, y_mm: float, band_mm: float, pixel_mm: float
                  ) -> FluenceSlice:  # fmt: skip
    """The x-z plane through `y_mm`, the fluence averaged over |y - y_mm| <= band / 2
    (at least one voxel) and over square pixels of about `pixel_mm`."""
    y = dataset.y_mm.values
    voxel_mm = float(dataset.attrs["voxel_mm"])
    band = np.abs(y - y_mm) <= max(band_mm, voxel_mm) / 2.0
    if not band.any():
        band = np.abs(y - y_mm) == np.abs(y - y_mm).min()
    plane = dataset.fluence_rate_per_mm2.values[:, band, :].mean(axis=1)
    k = _cell_factor(dataset, pixel_mm)
    values = _blocks(plane, k) / (k * k)
    x = dataset.x_mm.values[: values.shape[0] * k].reshape(-1, k).mean(axis=1)
    z = dataset.z_mm.values[: values.shape[1] * k].reshape(-1, k).mean(axis=1)
    return FluenceSlice(x_mm=x, z_mm=z, values_per_mm2=values, y_mm=y_mm,
                        band_mm=float(band.sum()) * voxel_mm)  # fmt: skip
