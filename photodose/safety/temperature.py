"""Skin temperature and thermal-damage limits, stricter for insensate skin.

Defaults and where they come from:

- Sensate skin, 43 C: IEC 60601-1:2005+A1:2012 Table 24, applied parts in contact with
  the patient for 10 min or longer (the amendment raised this limit from 41 C to 43 C for
  parts not intended to supply heat; change summary as quoted on the Elsmar Cove forum,
  read this session; the standard itself is paywalled and was not read). Martin & Falder
  2017 (Burns 43:1624-1639, abstract read): heat pain in adult skin begins just above
  43 C.
- Insensate skin, 41 C: the applied-part limit of IEC 60601-1:1988 (2nd ed.) clause 42.3,
  41 C (IECEE CTL decision sheet DSH-422, read this session). Chosen because insensate
  skin has no pain warning and the Table 24 limits are written for healthy adult skin
  (from memory of the standard's note; not re-read). This default is an assumption
  grounded in the older, stricter limit, not a limit the standard sets for neuropathy.
- Hard stop, 44 C: Martin & Falder 2017: burn injury occurs when the basal layer of the
  epidermis reaches 44 C; Moritz & Henriques 1947 (Am J Pathol 23:695) found 44 C to be
  the lowest surface temperature that burned human skin (after about 6 h; the 6 h figure
  from secondary sources). No user setting may exceed it.

Thermal damage (values computed elsewhere, e.g. by photodose.thermal):
- Arrhenius damage integral Omega = int A exp(-Ea / (R T)) dt; Omega = 1 is the burn
  threshold by the construction of Henriques' model (Henriques 1947, Arch Pathol
  43:489; definition from memory, not re-read).
- CEM43 (cumulative equivalent minutes at 43 C, Sapareto & Dewey 1984, Int J Radiat
  Oncol Biol Phys 10:787): no skin threshold could be verified this session, so the
  caller must supply the limit (see van Rhoon et al. 2013, Eur Radiol 23:2215, and
  Yarmolenko et al. 2011, Int J Hyperthermia 27:320, for tissue thresholds).
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from photodose.errors import BadInputError
from photodose.safety.checks import SafetyCheck
from photodose.specs.base import Spec

HARD_STOP_C = 44.0
HARD_STOP_SOURCE = (
    "Martin & Falder 2017, Burns 43:1624 (burn injury when the epidermal basal layer "
    "reaches 44 C); Moritz & Henriques 1947, Am J Pathol 23:695"
)
SENSATE_SOURCE = (
    "IEC 60601-1:2005+A1:2012 Table 24 (applied parts, contact >= 10 min: 43 C); "
    "Martin & Falder 2017, Burns 43:1624 (heat pain just above 43 C)"
)
INSENSATE_SOURCE = (
    "ASSUMPTION: IEC 60601-1:1988 cl. 42.3 applied-part limit 41 C (IECEE DSH-422), "
    "chosen for skin without a pain response"
)
ARRHENIUS_SOURCE = "Henriques 1947, Arch Pathol 43:489 (Omega = 1: burn threshold)"
CEM43_SOURCE = "Sapareto & Dewey 1984, Int J Radiat Oncol Biol Phys 10:787 (CEM43)"


class TemperatureLimits(Spec):
    """Peak skin temperature limits, C. User-settable, never above the 44 C hard stop."""

    insensate_max_C: float = Field(
        default=41.0, ge=37.0, le=HARD_STOP_C, description="insensate skin, C (assumption)"
    )
    sensate_max_C: float = Field(
        default=43.0, ge=37.0, le=HARD_STOP_C, description="sensate skin, C"
    )

    @model_validator(mode="after")
    def _insensate_not_laxer(self) -> TemperatureLimits:
        if self.insensate_max_C > self.sensate_max_C:
            raise BadInputError(
                "insensate_max_C",
                self.insensate_max_C,
                f"must not exceed sensate_max_C = {self.sensate_max_C}",
            )
        return self


DEFAULT_TEMPERATURE_LIMITS = TemperatureLimits()


def temperature_check(
    peak_skin_C: float,
    insensate: bool,
    limits: TemperatureLimits = DEFAULT_TEMPERATURE_LIMITS,
) -> SafetyCheck:
    """Peak skin temperature against the limit for sensate or insensate skin (`block`)."""
    if not math.isfinite(peak_skin_C):
        raise BadInputError("peak_skin_C", peak_skin_C, "must be a finite temperature in C")
    if insensate:
        limit, source, who = limits.insensate_max_C, INSENSATE_SOURCE, "insensate"
    else:
        limit, source, who = limits.sensate_max_C, SENSATE_SOURCE, "sensate"
    customised = limits != DEFAULT_TEMPERATURE_LIMITS
    note = (
        f"Limit for {who} skin"
        + (" (user-set)" if customised else "")
        + f"; hard stop {HARD_STOP_C:g} C ({HARD_STOP_SOURCE}). "
        + (
            "Insensate skin cannot report heat pain: keep the skin below the limit by "
            "design and inspect it visually."
            if insensate
            else "The patient's report of heat pain is a second line of defence only."
        )
    )
    return SafetyCheck.compare(
        name=f"peak skin temperature ({who})",
        quantity="peak skin temperature during the exposure",
        value=peak_skin_C,
        limit=limit,
        unit="C",
        severity="block",
        source=source,
        note=note,
    )


def arrhenius_damage_check(damage_integral: float, limit: float = 1.0) -> SafetyCheck:
    """Arrhenius damage integral Omega (dimensionless) against `limit` (`block`)."""
    if not (damage_integral >= 0.0 and math.isfinite(damage_integral)):
        raise BadInputError("damage_integral", damage_integral, "must be a finite number >= 0")
    if not (0.0 < limit <= 1.0):
        raise BadInputError("limit", limit, "the Omega limit must be in (0, 1]")
    return SafetyCheck.compare(
        name="thermal damage (Arrhenius)",
        quantity="Arrhenius damage integral Omega over the session",
        value=damage_integral,
        limit=limit,
        unit="",
        severity="block",
        source=ARRHENIUS_SOURCE,
        note="Omega computed by the thermal model; Omega = 1 marks the burn threshold.",
    )


def cem43_check(cem43_min: float, limit_min: float) -> SafetyCheck:
    """Thermal dose in CEM43 minutes against a caller-supplied limit (`block`)."""
    if not (cem43_min >= 0.0 and math.isfinite(cem43_min)):
        raise BadInputError("cem43_min", cem43_min, "must be a finite number >= 0")
    if not (limit_min > 0.0 and math.isfinite(limit_min)):
        raise BadInputError("limit_min", limit_min, "must be a finite number > 0")
    return SafetyCheck.compare(
        name="thermal dose (CEM43)",
        quantity="cumulative equivalent minutes at 43 C over the session",
        value=cem43_min,
        limit=limit_min,
        unit="min",
        severity="block",
        source=CEM43_SOURCE + "; limit supplied by the caller",
        note="No skin CEM43 threshold was verified for photodose; the limit is the caller's.",
    )
