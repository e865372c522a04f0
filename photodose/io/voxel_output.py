"""Voxel run files: which spec a file holds, and where a voxel result goes.

A spec file is either photodose's `VoxelSimulation` (.toml or .json) or an MCX JSON input
(recognised by its `Session`/`Domain`/`Optode` sections). Results go to netCDF (.nc,
every variable) or to the fluence alone as JNIfTI (.jnii) or NIfTI (.nii, .nii.gz):
with time gates (MCX inputs always have them) the 4-D fluence rate per gate per joule
launched, 1/(mm^2 s), exactly MCX's normalised default output; without them the CW
fluence rate per watt, W/mm^2 per W (MCX's value x Dt summed over gates).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from photodose.errors import BadInputError, InputFileError
from photodose.io.mcx_json import mcx_to_simulation
from photodose.io.nifti import write_jnifti, write_nifti
from photodose.io.result_file import save_result
from photodose.specs.voxel_simulation import VoxelSimulation

_MCX_SECTIONS = {"Session", "Domain", "Optode"}


def load_voxel_spec(path: str | Path) -> tuple[VoxelSimulation, str]:
    """The simulation in `path` and what kind of file it was."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise InputFileError(path, f"not JSON ({error})") from error
        if isinstance(document, dict) and _MCX_SECTIONS & document.keys():
            return mcx_to_simulation(document, path.parent), "MCX JSON"
        return VoxelSimulation.model_validate(document), "photodose spec"
    return VoxelSimulation.load(path), "photodose spec"


def write_voxel_output(dataset: xr.Dataset, path: str | Path) -> str:
    """Write `dataset` by the file's suffix; returns what was written."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".nc"):
        save_result(dataset, path)
        return "result (netCDF)"
    gated = "fluence_rate_t_per_mm2_s" in dataset
    if gated:
        # NIfTI's 4th axis is time: [x, y, z, t]
        field = np.moveaxis(dataset.fluence_rate_t_per_mm2_s.values, 0, -1).astype(np.float32)
        gate_s = float(json.loads(dataset.attrs["simulation"])["time_gates"]["width_s"])
        description = "photodose fluence rate per gate, 1/(mm^2 s) per J launched (MCX -O F)"
    else:
        field = dataset.fluence_rate_per_mm2.values.astype(np.float32)
        gate_s = 1.0
        description = "photodose CW fluence rate, W/mm^2 per W of source power"
    voxel_mm = float(dataset.attrs["voxel_mm"])
    if name.endswith(".jnii"):
        write_jnifti(path, field, voxel_mm, gate_s, description)
        return "fluence (JNIfTI)"
    if name.endswith(".nii") or name.endswith(".nii.gz"):
        write_nifti(path, field, voxel_mm, gate_s, description)
        return "fluence (NIfTI-1)"
    raise BadInputError("out", str(path), "a .nc, .jnii, .nii or .nii.gz file name")
