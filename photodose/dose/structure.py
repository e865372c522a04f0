"""Dose in a labelled structure of a voxel result (the nerve, a vessel): the mean, the
minimum and the 5th percentile of the fluence over the structure's voxels.

The mean carries its standard error from batch statistics (the transport tallies each
medium's summed fluence per batch); the minimum and the percentile are read from the
mean field, and in voxels with few photons they are biased low by noise: the voxels'
median relative standard error is given so the reader can judge them.
Values are per watt of source power; `at` scales them to a power and an exposure time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import xarray as xr

from photodose.errors import BadInputError

MM2_PER_CM2 = 100.0
MW_PER_W = 1000.0


@dataclass(frozen=True)
class StructureDose:
    """Fluence rate over one structure's voxels, W/mm^2 per W of source power."""

    structure: str
    voxels: int
    volume_mm3: float
    mean_per_mm2: float
    mean_se_per_mm2: float
    minimum_per_mm2: float
    p5_per_mm2: float
    median_relative_se: float

    def at(self, power_W: float, exposure_s: float) -> dict[str, float]:
        """Fluence rate (mW/cm^2) and fluence (J/cm^2) for a source of power_W over
        exposure_s: 1 W/mm^2 = 100 W/cm^2."""
        if power_W < 0.0 or exposure_s < 0.0:
            raise BadInputError("power_W, exposure_s", (power_W, exposure_s), ">= 0")
        scale = power_W * MM2_PER_CM2
        out = {}
        for name in ("mean", "mean_se", "minimum", "p5"):
            rate = getattr(self, f"{name}_per_mm2") * scale
            out[f"{name}_fluence_rate_mW_per_cm2"] = rate * MW_PER_W
            out[f"{name}_fluence_J_per_cm2"] = rate * exposure_s
        return out


def structure_dose(dataset: xr.Dataset, structure: str) -> StructureDose:
    """The dose over the voxels of the medium named `structure`."""
    names = json.loads(dataset.attrs["media_names"])
    if structure not in names:
        raise BadInputError("structure", structure, f"one of the volume's media: {names}")
    label = names.index(structure) + 1
    inside = dataset.labels.values == label
    count = int(inside.sum())
    if count == 0:
        raise BadInputError("structure", structure, "a medium that holds at least one voxel")
    field = dataset.fluence_rate_per_mm2.values[inside]
    se = dataset.fluence_rate_per_mm2_se.values[inside]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(field > 0, se / field, np.inf)
    mean = dataset.mean_fluence_rate_by_medium_per_mm2.sel(medium=label)
    mean_se = dataset.mean_fluence_rate_by_medium_per_mm2_se.sel(medium=label)
    voxel_mm = float(dataset.attrs["voxel_mm"])
    return StructureDose(
        structure=structure,
        voxels=count,
        volume_mm3=count * voxel_mm**3,
        mean_per_mm2=float(mean),
        mean_se_per_mm2=float(mean_se),
        minimum_per_mm2=float(field.min()),
        p5_per_mm2=float(np.percentile(field, 5.0)),
        median_relative_se=float(np.median(relative)),
    )
