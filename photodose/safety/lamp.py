"""Skin thermal hazard of non-laser sources (LEDs, lamps): IEC 62471:2006 / CIE S 009.

IEC 62471:2006 section 4.3.8 limits the radiant exposure of the skin to visible and
infrared radiation (380-3000 nm) for exposures shorter than 10 s:

    H = E t <= 20 000 t^0.25 J/m^2  (= 2.0 t^0.25 J/cm^2),  t < 10 s,

equivalently E <= 2.0 t^-0.75 W/cm^2. (shared/domain/safety.md wrote the limit as
"E_H = 20 000 t^0.75 J/m^2"; the exponent of the radiant-exposure form is 0.25. The two
agree only at t = 1 s, 2.0 J/cm^2.) Verified from the standard's section list and the
limit as implemented by ISETCam (ISET/isetcam human/humanUVSafety.m, written with the
standard at hand), which also records the standard's remark that the limit "applies
only to small area irradiation" and that no limit is given beyond 10 s; the 10 s bound
and the small-area, short-exposure purpose match ICNIRP's statements on infrared skin
exposure (ICNIRP Statement on far infrared radiation exposure, Health Phys 2006).

Beyond 10 s the standard gives no skin limit: heat pain is assumed to end the exposure
first. Insensate (neuropathic) skin defeats that assumption, so for long exposures of
insensate skin this module says so and defers to the temperature limits.
"""

from __future__ import annotations

import math

from photodose.errors import BadInputError
from photodose.safety.checks import SafetyCheck

LAMP_WAVELENGTH_MIN_NM = 380.0
LAMP_WAVELENGTH_MAX_NM = 3000.0
# IEC 62471:2006 s. 4.3.8: the skin thermal limit is defined for t < 10 s only.
LAMP_MAX_DURATION_S = 10.0

LAMP_SOURCE = "IEC 62471:2006 (CIE S 009:2002) s. 4.3.8, skin thermal hazard 380-3000 nm"


def lamp_skin_thermal_limit_J_per_cm2(exposure_s: float) -> float:
    """Radiant-exposure limit 2.0 t^0.25 J/cm^2 (20 000 t^0.25 J/m^2) for 0 < t <= 10 s."""
    if not (0.0 < exposure_s <= LAMP_MAX_DURATION_S):
        raise BadInputError(
            "exposure_s",
            f"{exposure_s:g}",
            f"the IEC 62471 skin thermal limit is defined for 0 to {LAMP_MAX_DURATION_S:g} s",
        )
    return 2.0 * exposure_s**0.25


def lamp_skin_thermal_check(
    wavelength_nm: float,
    irradiance_mW_per_cm2: float,
    exposure_s: float,
    *,
    insensate: bool,
) -> SafetyCheck:
    """Compare a non-laser exposure of the skin with the IEC 62471 skin thermal limit.

    `irradiance_mW_per_cm2` is the irradiance summed over 380-3000 nm; `wavelength_nm`
    (the source's peak) must lie in that band. Up to 10 s: radiant exposure against
    2.0 t^0.25 J/cm^2 (`warn` when exceeded, like the laser MPE: an exposure limit, not a
    treatment ceiling). Beyond 10 s the standard has no limit: an advisory check that
    states this (`warn` for insensate skin, whose missing pain response the standard
    relies on; `info` otherwise) and defers to the temperature limits.
    """
    if not (LAMP_WAVELENGTH_MIN_NM <= wavelength_nm <= LAMP_WAVELENGTH_MAX_NM):
        raise BadInputError(
            "wavelength_nm",
            f"{wavelength_nm:g}",
            f"the IEC 62471 skin thermal hazard covers {LAMP_WAVELENGTH_MIN_NM:g} to "
            f"{LAMP_WAVELENGTH_MAX_NM:g} nm",
        )
    if not (irradiance_mW_per_cm2 >= 0.0 and math.isfinite(irradiance_mW_per_cm2)):
        raise BadInputError(
            "irradiance_mW_per_cm2", irradiance_mW_per_cm2, "must be a finite number >= 0"
        )
    if not (exposure_s > 0.0 and math.isfinite(exposure_s)):
        raise BadInputError("exposure_s", exposure_s, "must be a finite number > 0")
    if exposure_s <= LAMP_MAX_DURATION_S:
        return SafetyCheck.compare(
            name="skin thermal hazard (lamp/LED)",
            quantity=f"radiant exposure of the skin over {exposure_s:g} s (380-3000 nm)",
            value=irradiance_mW_per_cm2 / 1000.0 * exposure_s,
            limit=lamp_skin_thermal_limit_J_per_cm2(exposure_s),
            unit="J/cm^2",
            severity="warn",
            source=LAMP_SOURCE,
            note=(
                "Limit 2.0 t^0.25 J/cm^2 for t < 10 s, for small irradiated areas. An "
                "exposure limit, not a treatment ceiling: treatment safety rests on the "
                "temperature limits."
            ),
        )
    if insensate:
        note = (
            "IEC 62471 gives no skin thermal limit beyond 10 s because heat pain is assumed "
            "to end the exposure. Insensate (neuropathic) skin gives no such warning, so "
            "that assumption fails here: the temperature limits for insensate skin decide."
        )
    else:
        note = (
            "IEC 62471 gives no skin thermal limit beyond 10 s (heat pain is assumed to end "
            "the exposure); the temperature limits decide."
        )
    return SafetyCheck.compare(
        name="skin thermal hazard (lamp/LED): not applicable",
        quantity="exposure duration against the 10 s validity of the IEC 62471 skin limit",
        value=exposure_s,
        limit=LAMP_MAX_DURATION_S,
        unit="s",
        severity="warn" if insensate else "info",
        source=LAMP_SOURCE,
        note=note,
        kind="advisory",
    )
