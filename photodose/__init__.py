"""photodose: light dosimetry, skin safety and treatment planning for photobiomodulation.

The public face; everything else is reachable but not advertised.
"""

from photodose._version import __version__  # noqa: E402
from photodose.devices.device import Device  # noqa: E402
from photodose.devices.library import list_devices, load_device  # noqa: E402
from photodose.dose.nerve_dose import dose_at_nerve  # noqa: E402
from photodose.dose.structure import structure_dose  # noqa: E402
from photodose.dose.window import DoseWindow  # noqa: E402
from photodose.io.mcx_json import read_mcx_json  # noqa: E402
from photodose.optics import optical_properties, optical_spectrum, tissue_preset  # noqa: E402
from photodose.planning import Plan, plan, verify_plan  # noqa: E402
from photodose.specs import (  # noqa: E402
    Beam,
    Grid,
    Layer,
    OpticalProperties,
    Roulette,
    Simulation,
    TissueStack,
)
from photodose.specs.volume import Box, Cylinder, Medium, Slab, Sphere, Volume  # noqa: E402
from photodose.specs.voxel_simulation import (  # noqa: E402
    Emitter,
    TimeGates,
    VoxelSimulation,
    VoxelSource,
)
from photodose.tissue.library import list_sites, load_site  # noqa: E402
from photodose.tissue.patient import Patient  # noqa: E402
from photodose.tissue.site import Site  # noqa: E402
from photodose.transport import diffuse, simulate  # noqa: E402
from photodose.transport.voxel import simulate_voxel  # noqa: E402

__all__ = [
    "Box",
    "Cylinder",
    "Emitter",
    "Medium",
    "Slab",
    "Sphere",
    "TimeGates",
    "Volume",
    "VoxelSimulation",
    "VoxelSource",
    "read_mcx_json",
    "simulate_voxel",
    "structure_dose",
    "Beam",
    "Device",
    "DoseWindow",
    "Grid",
    "Layer",
    "OpticalProperties",
    "Patient",
    "Plan",
    "Roulette",
    "Simulation",
    "Site",
    "TissueStack",
    "__version__",
    "diffuse",
    "dose_at_nerve",
    "list_devices",
    "list_sites",
    "load_device",
    "load_site",
    "optical_properties",
    "optical_spectrum",
    "plan",
    "simulate",
    "tissue_preset",
    "verify_plan",
]
