"""photodose: light dosimetry, skin safety and treatment planning for photobiomodulation.

The public face: the names in `__all__`, loaded on first use (PEP 562), so that
`import photodose.transport` or `photodose --help` does not load the whole package.
Everything else is reachable but not advertised.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from photodose._version import __version__

# public name -> the module that defines it
_SOURCES = {
    "BadInputError": "photodose.errors",
    "Beam": "photodose.specs",
    "Box": "photodose.specs.volume",
    "Cylinder": "photodose.specs.volume",
    "Device": "photodose.devices.device",
    "DoseWindow": "photodose.dose.window",
    "Emitter": "photodose.specs.voxel_simulation",
    "Grid": "photodose.specs",
    "Layer": "photodose.specs",
    "Medium": "photodose.specs.volume",
    "ModelRangeError": "photodose.errors",
    "OpticalProperties": "photodose.specs",
    "Patient": "photodose.tissue.patient",
    "PhotodoseError": "photodose.errors",
    "Plan": "photodose.planning",
    "PlanRequest": "photodose.planning",
    "Roulette": "photodose.specs",
    "ScreeningInput": "photodose.safety.contraindications",
    "Simulation": "photodose.specs",
    "Site": "photodose.tissue.site",
    "Slab": "photodose.specs.volume",
    "Sphere": "photodose.specs.volume",
    "TimeGates": "photodose.specs.voxel_simulation",
    "TissueStack": "photodose.specs",
    "Verification": "photodose.planning",
    "check": "photodose.planning.check",
    "Volume": "photodose.specs.volume",
    "VoxelSimulation": "photodose.specs.voxel_simulation",
    "VoxelSource": "photodose.specs.voxel_simulation",
    "diffuse": "photodose.transport",
    "dose_at_nerve": "photodose.dose.nerve_dose",
    "fluence_at_depth": "photodose.dose.depth_fluence",
    "list_devices": "photodose.devices.library",
    "list_sites": "photodose.tissue.library",
    "load_device": "photodose.devices.library",
    "load_site": "photodose.tissue.library",
    "optical_properties": "photodose.optics",
    "optical_spectrum": "photodose.optics",
    "plan": "photodose.planning.plan",
    "plot_result": "photodose.report.result_plot",
    "read_mcx_json": "photodose.io.mcx_json",
    "simulate": "photodose.transport",
    "simulate_voxel": "photodose.transport.voxel",
    "structure_dose": "photodose.dose.structure",
    "sweep": "photodose.sweep",
    "tissue_preset": "photodose.optics",
    "verify_plan": "photodose.planning",
}

__all__ = [
    "BadInputError",
    "Beam",
    "Box",
    "Cylinder",
    "Device",
    "DoseWindow",
    "Emitter",
    "Grid",
    "Layer",
    "Medium",
    "ModelRangeError",
    "OpticalProperties",
    "Patient",
    "PhotodoseError",
    "Plan",
    "PlanRequest",
    "Roulette",
    "ScreeningInput",
    "Simulation",
    "Site",
    "Slab",
    "Sphere",
    "TimeGates",
    "TissueStack",
    "Verification",
    "Volume",
    "VoxelSimulation",
    "VoxelSource",
    "__version__",
    "check",
    "diffuse",
    "dose_at_nerve",
    "fluence_at_depth",
    "list_devices",
    "list_sites",
    "load_device",
    "load_site",
    "optical_properties",
    "optical_spectrum",
    "plan",
    "plot_result",
    "read_mcx_json",
    "simulate",
    "simulate_voxel",
    "structure_dose",
    "sweep",
    "tissue_preset",
    "verify_plan",
]


# public names that make or read transport results
_MAKE_RESULTS = frozenset(
    {"simulate", "diffuse", "verify_plan", "fluence_at_depth", "plot_result", "dose_at_nerve"}
)


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'photodose' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    if name in _MAKE_RESULTS:
        # results of these carry `result.photodose.plot(...)`: register the accessor (it
        # imports xarray only; matplotlib waits until a figure is drawn)
        importlib.import_module("photodose.report.result_accessor")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SOURCES))


if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
    from photodose.devices.device import Device
    from photodose.devices.library import list_devices, load_device
    from photodose.dose.depth_fluence import fluence_at_depth
    from photodose.dose.nerve_dose import dose_at_nerve
    from photodose.dose.structure import structure_dose
    from photodose.dose.window import DoseWindow
    from photodose.errors import BadInputError, ModelRangeError, PhotodoseError
    from photodose.io.mcx_json import read_mcx_json
    from photodose.optics import optical_properties, optical_spectrum, tissue_preset
    from photodose.planning import Plan, PlanRequest, Verification, verify_plan
    from photodose.planning.check import check
    from photodose.planning.plan import plan
    from photodose.report.result_plot import plot_result
    from photodose.safety.contraindications import ScreeningInput
    from photodose.specs import (
        Beam,
        Grid,
        Layer,
        OpticalProperties,
        Roulette,
        Simulation,
        TissueStack,
    )
    from photodose.specs.volume import Box, Cylinder, Medium, Slab, Sphere, Volume
    from photodose.specs.voxel_simulation import Emitter, TimeGates, VoxelSimulation, VoxelSource
    from photodose.sweep import sweep
    from photodose.tissue.library import list_sites, load_site
    from photodose.tissue.patient import Patient
    from photodose.tissue.site import Site
    from photodose.transport import diffuse, simulate
    from photodose.transport.voxel import simulate_voxel
