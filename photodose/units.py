"""Every unit conversion factor photodose uses, in one place.

Inside the package lengths are mm, powers W, energies J, times s, temperatures K or C;
the clinic reads mW/cm^2, J/cm^2 and deg C (docs/units in DESIGN.md). Multiply by
`A_PER_B` to turn a value in B into A, e.g. `area_mm2 = area_cm2 * MM2_PER_CM2`.
All factors are exact by the SI definitions (BIPM, The International System of Units,
9th edition, 2019), except none: no measured constant lives here.
"""

from __future__ import annotations

# length
MM_PER_CM = 10.0
MM_PER_M = 1000.0
PER_MM_PER_PER_M = 1.0e-3
"""1/m -> 1/mm (an attenuation or conductivity per metre, per millimetre)."""
PER_MM2_PER_PER_M2 = 1.0e-6
PER_MM3_PER_PER_M3 = 1.0e-9
# area and volume
MM2_PER_CM2 = 100.0
M3_PER_ML = 1.0e-6
# power and energy
MW_PER_W = 1000.0
"""milliwatt per watt."""
# time
S_PER_MIN = 60.0
# temperature
ZERO_CELSIUS_K = 273.15
"""Kelvin at 0 deg C (SI definition): T_K = T_C + ZERO_CELSIUS_K."""
# fractions
PERCENT_PER_FRACTION = 100.0


def mm_to_cm(length_mm: float) -> float:
    return length_mm / MM_PER_CM


def per_mm2_to_per_cm2(value_per_mm2: float) -> float:
    """A density per mm^2 (W/mm^2, J/mm^2) as one per cm^2."""
    return value_per_mm2 * MM2_PER_CM2


def celsius_to_kelvin(temperature_C: float) -> float:
    return temperature_C + ZERO_CELSIUS_K
