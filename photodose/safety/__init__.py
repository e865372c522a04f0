"""Safety checks: skin MPE (lasers), skin thermal hazard (LEDs), skin temperature and
thermal damage limits, and contraindication screening.

Every check returns a `SafetyCheck` saying what was compared, the value, the limit, the
unit, the ratio and the source. `evaluate` runs every check the inputs allow;
`binding_limit` names the limit that constrains the exposure most.
"""

from __future__ import annotations

from typing import Literal

from photodose.errors import BadInputError
from photodose.safety.checks import SafetyCheck, Severity, binding_limit, ordered
from photodose.safety.contraindications import Finding, ScreeningInput, screen
from photodose.safety.lamp import lamp_skin_thermal_check, lamp_skin_thermal_limit_J_per_cm2
from photodose.safety.mpe import (
    PulseTrain,
    aperture_averaged_irradiance_mW_per_cm2,
    correction_factor_ca,
    skin_mpe_check,
    skin_mpe_irradiance_W_per_cm2,
    skin_mpe_radiant_exposure_J_per_cm2,
)
from photodose.safety.temperature import (
    DEFAULT_TEMPERATURE_LIMITS,
    HARD_STOP_C,
    TemperatureLimits,
    arrhenius_damage_check,
    cem43_check,
    temperature_check,
)

SourceType = Literal["laser", "lamp"]


def evaluate(
    *,
    wavelength_nm: float | None = None,
    irradiance_mW_per_cm2: float | None = None,
    exposure_s: float | None = None,
    source_type: SourceType = "laser",
    pulse: PulseTrain | None = None,
    insensate: bool = True,
    peak_skin_C: float | None = None,
    temperature_limits: TemperatureLimits = DEFAULT_TEMPERATURE_LIMITS,
    damage_integral: float | None = None,
    damage_limit: float = 1.0,
    cem43_min: float | None = None,
    cem43_limit_min: float | None = None,
    screening: ScreeningInput | None = None,
) -> list[SafetyCheck]:
    """Run every check the given inputs allow; most serious first (see `ordered`).

    - light exposure (wavelength, irradiance, exposure, all three or none): the skin MPE
      for a laser, the IEC 62471 skin thermal hazard for a lamp/LED;
    - `peak_skin_C`: the skin temperature limit for sensate or insensate skin;
    - `damage_integral`: the Arrhenius limit; `cem43_min` with `cem43_limit_min`: CEM43;
    - `screening`: the contraindication findings, as advisory checks.

    `insensate` defaults to True, the conservative choice for neuropathy patients; a
    screening input with `insensate_skin` set forces it.
    """
    if screening is not None and screening.insensate_skin:
        insensate = True
    checks: list[SafetyCheck] = []
    exposure = (wavelength_nm, irradiance_mW_per_cm2, exposure_s)
    given = [value is not None for value in exposure]
    if any(given) and not all(given):
        missing = [
            name
            for name, value in zip(
                ("wavelength_nm", "irradiance_mW_per_cm2", "exposure_s"), exposure, strict=True
            )
            if value is None
        ]
        raise BadInputError(", ".join(missing), None, "a light exposure needs all three values")
    if wavelength_nm is not None and irradiance_mW_per_cm2 is not None and exposure_s is not None:
        if source_type == "laser":
            checks.append(
                skin_mpe_check(wavelength_nm, irradiance_mW_per_cm2, exposure_s, pulse=pulse)
            )
        else:
            if pulse is not None:
                raise BadInputError(
                    "pulse",
                    "PulseTrain(...)",
                    "pulse trains are handled for lasers only; for a lamp/LED give the "
                    "time-averaged irradiance",
                )
            checks.append(
                lamp_skin_thermal_check(
                    wavelength_nm, irradiance_mW_per_cm2, exposure_s, insensate=insensate
                )
            )
    if peak_skin_C is not None:
        checks.append(temperature_check(peak_skin_C, insensate, temperature_limits))
    if damage_integral is not None:
        checks.append(arrhenius_damage_check(damage_integral, damage_limit))
    if (cem43_min is None) != (cem43_limit_min is None):
        absent = "cem43_min" if cem43_min is None else "cem43_limit_min"
        raise BadInputError(absent, None, "give cem43_min and cem43_limit_min both or neither")
    if cem43_min is not None and cem43_limit_min is not None:
        checks.append(cem43_check(cem43_min, cem43_limit_min))
    if screening is not None:
        checks.extend(finding.as_check() for finding in screen(screening))
    return ordered(checks)


__all__ = [
    "DEFAULT_TEMPERATURE_LIMITS",
    "HARD_STOP_C",
    "Finding",
    "PulseTrain",
    "SafetyCheck",
    "ScreeningInput",
    "Severity",
    "TemperatureLimits",
    "aperture_averaged_irradiance_mW_per_cm2",
    "arrhenius_damage_check",
    "binding_limit",
    "cem43_check",
    "correction_factor_ca",
    "evaluate",
    "lamp_skin_thermal_check",
    "lamp_skin_thermal_limit_J_per_cm2",
    "ordered",
    "screen",
    "skin_mpe_check",
    "skin_mpe_irradiance_W_per_cm2",
    "skin_mpe_radiant_exposure_J_per_cm2",
    "temperature_check",
]
