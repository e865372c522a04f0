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
    "Device": "photodose.devices.device",
    "DoseWindow": "photodose.dose.window",
    "Grid": "photodose.specs",
    "Layer": "photodose.specs",
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
    "TissueStack": "photodose.specs",
    "Verification": "photodose.planning",
    "diffuse": "photodose.transport",
    "dose_at_nerve": "photodose.dose.nerve_dose",
    "list_devices": "photodose.devices.library",
    "list_sites": "photodose.tissue.library",
    "load_device": "photodose.devices.library",
    "load_site": "photodose.tissue.library",
    "optical_properties": "photodose.optics",
    "optical_spectrum": "photodose.optics",
    "plan": "photodose.planning.plan",
    "simulate": "photodose.transport",
    "sweep": "photodose.sweep",
    "tissue_preset": "photodose.optics",
    "verify_plan": "photodose.planning",
}

__all__ = [
    "BadInputError",
    "Beam",
    "Device",
    "DoseWindow",
    "Grid",
    "Layer",
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
    "TissueStack",
    "Verification",
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
    "sweep",
    "tissue_preset",
    "verify_plan",
]


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'photodose' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SOURCES))


if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
    from photodose.devices.device import Device
    from photodose.devices.library import list_devices, load_device
    from photodose.dose.nerve_dose import dose_at_nerve
    from photodose.dose.window import DoseWindow
    from photodose.errors import BadInputError, ModelRangeError, PhotodoseError
    from photodose.optics import optical_properties, optical_spectrum, tissue_preset
    from photodose.planning import Plan, PlanRequest, Verification, verify_plan
    from photodose.planning.plan import plan
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
    from photodose.sweep import sweep
    from photodose.tissue.library import list_sites, load_site
    from photodose.tissue.patient import Patient
    from photodose.tissue.site import Site
    from photodose.transport import diffuse, simulate
