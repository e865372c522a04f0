"""What a clinician asks of the planner: site, device, patient, the dose window, limits."""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from photodose.devices.device import Device
from photodose.dose.window import DoseWindow
from photodose.errors import BadInputError
from photodose.safety.contraindications import ScreeningInput
from photodose.safety.temperature import TemperatureLimits
from photodose.specs import Spec
from photodose.thermal.conditions import ThermalConditions
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site

# Course of treatment: 3 sessions a week for 4 weeks (12 sessions) is the schedule of
# most controlled trials in diabetic neuropathy: Clifft et al. 2005 Diabetes Care
# 28:2896 (3/week, 4 weeks), Ammar 2012 ISRN Rehabil 2012:484307 (3/week, 4 weeks),
# Yamany & Sayed 2012 J Adv Res 3:21 (3/week, 4 weeks). Evidence of benefit is mixed
# (negative sham-controlled trials: Lavery 2008, Clifft 2005, Zinman 2004).
SCHEDULE_SOURCE = (
    "3 sessions/week for 4 weeks as in Clifft et al. 2005 (Diabetes Care 28:2896), "
    "Ammar 2012 (ISRN Rehabil 2012:484307), Yamany & Sayed 2012 (J Adv Res 3:21); "
    "the evidence of benefit is mixed (Lavery 2008, Clifft 2005, Zinman 2004 found no "
    "difference from sham)"
)

# ASSUMPTION: perfusion of diabetic, neuropathic feet is reduced and variable (microvascular
# disease); half the IT'IS value is used so heating is not underestimated. A sensitivity
# range, not a measurement.
DIABETIC_PERFUSION_SCALE = 0.5

# ASSUMPTION: length of nerve to cover at a site when the user does not say (about the
# length of the tarsal or carpal tunnel, 2-3 cm, plus margins).
DEFAULT_TREATMENT_LENGTH_MM = 30.0


class PlanRequest(Spec):
    """A planning problem. Times in s, powers in W, fluences in J/cm^2."""

    site: Site
    device: Device
    patient: Patient = Patient()
    screening: ScreeningInput = ScreeningInput()
    window: DoseWindow = DoseWindow()
    aim_J_per_cm2: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0e4,
        description="fluence to aim for at the nerve (mean over its cross-section); "
        "default: geometric mean of the window",
    )
    max_time_per_spot_s: float = Field(default=1200.0, gt=0.0, le=7200.0)
    max_session_s: float = Field(default=3600.0, gt=0.0, le=14_400.0)
    min_power_fraction: float = Field(
        default=0.05,
        gt=0.0,
        le=1.0,
        description="lowest setting of a laser as a fraction of its rated power "
        "(LED arrays run at their rated power)",
    )
    treatment_length_mm: float = Field(default=DEFAULT_TREATMENT_LENGTH_MM, gt=0.0, le=500.0)
    sessions_per_week: int = Field(default=3, ge=1, le=14)
    weeks: int = Field(default=4, ge=1, le=52)
    temperature_limits: TemperatureLimits = TemperatureLimits()
    thermal: ThermalConditions | None = Field(
        default=None,
        description="heat-transfer conditions; default: room air, perfusion halved for "
        "diabetic patients (assumption)",
    )

    @model_validator(mode="after")
    def _aim_inside_window(self) -> PlanRequest:
        aim = self.aim
        if not self.window.lower_J_per_cm2 <= aim <= self.window.upper_J_per_cm2:
            raise BadInputError(
                "aim_J_per_cm2",
                aim,
                "must lie inside the window "
                f"{self.window.lower_J_per_cm2}-{self.window.upper_J_per_cm2} J/cm^2",
            )
        return self

    @property
    def aim(self) -> float:
        if self.aim_J_per_cm2 is not None:
            return self.aim_J_per_cm2
        return math.sqrt(self.window.lower_J_per_cm2 * self.window.upper_J_per_cm2)

    @property
    def insensate(self) -> bool:
        """Neuropathy patients are treated as insensate unless the skin is known sensate
        on a non-foot site; insensate feet or screening say so explicitly."""
        return self.patient.insensate_feet or self.screening.insensate_skin

    @property
    def thermal_conditions(self) -> ThermalConditions:
        if self.thermal is not None:
            return self.thermal
        scale = DIABETIC_PERFUSION_SCALE if self.patient.diabetic else 1.0
        return ThermalConditions(perfusion_scale=scale)
