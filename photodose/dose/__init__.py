"""What the light delivers: at the skin (irradiance, surface dose, energy per point) and at
the nerve (fluence rate and fluence from transport), per layer, over a spectrum, weighted
by cytochrome c oxidase, and against the target window.

`surface_dose` (irradiance x time at the skin) and `target_fluence` (fluence at the
nerve) are kept apart by name: protocols quote the first, the nerve receives the second.
"""

from photodose.dose.depth import PenetrationDepths, axial_fluence_rate, penetration_depths
from photodose.dose.layers import absorbed_energy_by_layer_J
from photodose.dose.nerve import cross_section_fluence_rate, fluence_J_per_cm2, nerve_profile
from photodose.dose.nerve_dose import NerveDose, dose_at_nerve
from photodose.dose.spectral import cco_weight, cco_weighted, spectrally_weighted
from photodose.dose.surface import (
    energy_per_point_J,
    mean_irradiance_mW_per_cm2,
    peak_irradiance_mW_per_cm2,
    surface_dose_J_per_cm2,
)
from photodose.dose.window import DoseWindow, WindowClass

__all__ = [
    "DoseWindow",
    "NerveDose",
    "PenetrationDepths",
    "WindowClass",
    "absorbed_energy_by_layer_J",
    "axial_fluence_rate",
    "cco_weight",
    "cco_weighted",
    "cross_section_fluence_rate",
    "dose_at_nerve",
    "energy_per_point_J",
    "fluence_J_per_cm2",
    "mean_irradiance_mW_per_cm2",
    "nerve_profile",
    "peak_irradiance_mW_per_cm2",
    "penetration_depths",
    "spectrally_weighted",
    "surface_dose_J_per_cm2",
]
