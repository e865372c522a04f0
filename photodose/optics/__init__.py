"""Tissue optical properties from physiology, 450-1100 nm (Jacques 2013 mixing model).

    from photodose.optics import tissue_preset, optical_properties
    dermis = tissue_preset("dermis")
    optical_properties(dermis, 850.0)          # OpticalProperties in 1/mm

Chromophore spectra ship in `photodose/optics/data/` with their sources in each header.
"""

from photodose.optics.composition import TissueComposition
from photodose.optics.emission import EmissionSpectrum
from photodose.optics.mixing import optical_properties, optical_spectrum
from photodose.optics.presets import list_tissues, tissue_preset

__all__ = [
    "EmissionSpectrum",
    "TissueComposition",
    "list_tissues",
    "optical_properties",
    "optical_spectrum",
    "tissue_preset",
]
