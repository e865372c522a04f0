"""photodose: light dosimetry, skin safety and treatment planning for photobiomodulation.

The public face; everything else is reachable but not advertised.
"""

__version__ = "0.1.0"

from photodose.specs import (  # noqa: E402
    Beam,
    Grid,
    Layer,
    OpticalProperties,
    Roulette,
    Simulation,
    TissueStack,
)
from photodose.transport import simulate  # noqa: E402

__all__ = [
    "Beam",
    "Grid",
    "Layer",
    "OpticalProperties",
    "Roulette",
    "Simulation",
    "TissueStack",
    "__version__",
    "simulate",
]
