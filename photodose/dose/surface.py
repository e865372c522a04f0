"""What happens at the skin: irradiance, surface dose and energy per point.

These are the numbers protocols quote ("4 J/cm^2" almost always means the surface dose,
irradiance x time, not the fluence that reaches a nerve). They depend only on the
device's power, the beam's profile and radius, and the time; transport is not involved.

Beam conventions (photodose.specs.Beam): a flat top of radius R has irradiance
P / (pi R^2) inside the disc; a Gaussian of 1/e^2 radius w has peak irradiance
2 P / (pi w^2) and profile exp(-2 r^2 / w^2) (Siegman 1986, 'Lasers', ch. 17), so the
disc r < w holds (1 - e^-2) = 86.5 % of the power. A pencil beam has no finite
irradiance.

Units: power W, time s, radii mm; results in the clinical units named in each function
(mW/cm^2, J/cm^2, J). 1 W/mm^2 = 100 W/cm^2 = 1e5 mW/cm^2.
"""

from __future__ import annotations

import math

from photodose.dose.validation import require_non_negative, require_positive
from photodose.errors import BadInputError
from photodose.specs import Beam
from photodose.units import MM2_PER_CM2, MW_PER_W


def _finite_beam(beam: Beam) -> None:
    if beam.profile == "pencil":
        raise BadInputError(
            "beam.profile",
            "'pencil'",
            "a pencil beam has no finite irradiance; give the beam's profile (flat_top or "
            "gaussian) and radius_mm",
        )


def disc_mean_irradiance_per_mm2(beam: Beam, radius_mm: float) -> float:
    """Mean irradiance over the disc r < radius_mm centred on the beam axis, in W/mm^2 per
    watt delivered: the power the beam puts inside the disc over the disc's area.

    Flat top R: 1 / (pi max(a, R)^2); Gaussian w: (1 - exp(-2 a^2 / w^2)) / (pi a^2);
    pencil: 1 / (pi a^2) (all the power enters at r = 0).
    """
    a = require_positive("radius_mm", radius_mm)
    if beam.profile == "flat_top":
        return 1.0 / (math.pi * max(a, beam.radius_mm) ** 2)
    if beam.profile == "gaussian":
        return -math.expm1(-2.0 * a * a / beam.radius_mm**2) / (math.pi * a * a)
    return 1.0 / (math.pi * a * a)


def peak_irradiance_per_mm2(beam: Beam) -> float:
    """On-axis incident irradiance in W/mm^2 per watt: 1 / (pi R^2) for a flat top,
    2 / (pi w^2) for a Gaussian."""
    _finite_beam(beam)
    if beam.profile == "gaussian":
        return 2.0 / (math.pi * beam.radius_mm**2)
    return 1.0 / (math.pi * beam.radius_mm**2)


def peak_irradiance_mW_per_cm2(power_W: float, beam: Beam) -> float:
    """Irradiance on the beam axis (the highest at the skin), mW/cm^2."""
    power = require_non_negative("power_W", power_W)
    return power * peak_irradiance_per_mm2(beam) * MM2_PER_CM2 * MW_PER_W


def mean_irradiance_mW_per_cm2(power_W: float, beam: Beam) -> float:
    """Power inside the beam radius over the area of that disc, mW/cm^2.

    Equals the peak for a flat top; (1 - e^-2) P / (pi w^2), 0.43 times the peak, for a
    Gaussian of 1/e^2 radius w.
    """
    power = require_non_negative("power_W", power_W)
    _finite_beam(beam)
    return power * disc_mean_irradiance_per_mm2(beam, beam.radius_mm) * MM2_PER_CM2 * MW_PER_W


def beam_area_cm2(beam: Beam) -> float:
    """Area of the disc of the beam's radius, pi R^2, in cm^2 (the 'spot size')."""
    _finite_beam(beam)
    return math.pi * beam.radius_mm**2 / MM2_PER_CM2


def surface_dose_J_per_cm2(irradiance_mW_per_cm2: float, duration_s: float) -> float:
    """Surface dose ('energy density') = irradiance x time, J/cm^2. Not the nerve's fluence."""
    irradiance = require_non_negative("irradiance_mW_per_cm2", irradiance_mW_per_cm2)
    duration = require_non_negative("duration_s", duration_s)
    return irradiance * duration / MW_PER_W


def energy_per_point_J(power_W: float, duration_s: float) -> float:
    """Energy delivered at one treatment point, J = W x s."""
    return require_non_negative("power_W", power_W) * require_non_negative("duration_s", duration_s)
