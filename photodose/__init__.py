"""photodose: light dosimetry, skin safety and treatment planning for photobiomodulation.

The public face; everything else is reachable but not advertised.
"""

from photodose._version import __version__  # noqa: E402
from photodose.devices.device import Device  # noqa: E402
from photodose.devices.library import list_devices, load_device  # noqa: E402
from photodose.dose.nerve_dose import dose_at_nerve  # noqa: E402
from photodose.dose.window import DoseWindow  # noqa: E402
from photodose.optics import optical_properties, optical_spectrum, tissue_preset  # noqa: E402
from photodose.planning import Plan, check, plan, verify_plan  # noqa: E402
from photodose.specs import (  # noqa: E402
    Beam,
    Grid,
    Layer,
    OpticalProperties,
    Roulette,
    Simulation,
    TissueStack,
)
from photodose.tissue.library import list_sites, load_site  # noqa: E402
from photodose.tissue.patient import Patient  # noqa: E402
from photodose.tissue.site import Site  # noqa: E402
from photodose.transport import diffuse, simulate  # noqa: E402

__all__ = [
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
    "check",
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
