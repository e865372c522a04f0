"""What a clinician asks of the planner: site, device, patient, the dose window, limits."""

from __future__ import annotations

import math
from typing import Literal

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


# Resting skin temperature of feet varies widely, so it is an input, not a constant:
# mean plantar temperature 27.8 +- 1.0 C in healthy adults after 15 min at rest and
# 26.8-27.6 C in diabetic patients (Sun et al. 2005, Foot Ankle Int 26:847, infrared
# imaging); 32-35 C in diabetic neuropathy against 27-30 C without it (Bagavathiappan et
# al. 2010, J Diabetes Sci Technol 4:1386). Without a measurement the model's own
# resting temperature (room air, 37 C blood) is used: warmer, so the cautious side.
SKIN_START_SOURCE = (
    "resting foot skin temperatures: 26.8-27.8 C plantar mean (Sun et al. 2005, Foot Ankle "
    "Int 26:847), 32-35 C in diabetic neuropathy vs 27-30 C without (Bagavathiappan et al. "
    "2010, J Diabetes Sci Technol 4:1386)"
)


class PlanRequest(Spec):
    """A planning problem. Times in s, powers in W, fluences in J/cm^2."""

    site: Site
    device: Device
    patient: Patient = Patient()
    screening: ScreeningInput | None = Field(
        default=None,
        description="contraindication screening facts; None: not screened (the plan and "
        "report say so, never 'no contraindication')",
    )
    window: DoseWindow = DoseWindow()
    aim_J_per_cm2: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0e4,
        description="fluence to aim for at the nerve (mean over its cross-section); "
        "default: geometric mean of the window",
    )
    like_protocol: str | None = Field(
        default=None,
        description="aim at the nerve dose this published protocol (photodose protocols) "
        "delivers at this site in photodose's model, instead of aim_J_per_cm2; the window "
        "is then only reported",
    )
    nerve_depth_measured_mm: float | None = Field(
        default=None,
        gt=0.0,
        le=100.0,
        description="skin-to-nerve-centre depth measured at this patient (ultrasound), mm; "
        "replaces the site's typical depth",
    )
    uncertainty_samples: int = Field(
        default=128,
        ge=0,
        le=5000,
        description="samples of what is unknown (tissue optics, nerve depth, fat, skin "
        "type) for the nerve fluence's 90 % interval (default 128, as the command line); "
        "0: none, for many plans where the interval is not read (about 10 ms per sample)",
    )
    uncertainty_seed: int = Field(default=1, ge=0)
    skin_type_known: bool = Field(
        default=True, description="False: the skin type is sampled over I-VI"
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
    temperature_margin_K: float = Field(
        default=0.0,
        ge=0.0,
        le=5.0,
        description="plan this far below the skin limit, K (the limit itself is unchanged)",
    )
    skin_start_C: float | None = Field(
        default=None,
        ge=20.0,
        le=37.0,
        description="measured skin temperature before treatment, C (feet: often 27-35 C); "
        "default: the model's resting temperature",
    )
    geometry: Literal["3d", "layers"] | None = Field(
        default=None,
        description="where the nerve dose is computed: '3d' in the site's 3-D model (nerve "
        "and vessels as cylinders, reported beside the layered estimate; one voxel run, "
        "seconds to tens of seconds the first time, then cached), 'layers' in the layered "
        "model only; default: layers (a plan stays on the ~2 s fast path)",
    )
    thermal: ThermalConditions | None = Field(
        default=None,
        description="heat-transfer conditions; default: room air, perfusion halved for "
        "diabetic patients (assumption)",
    )

    @model_validator(mode="after")
    def _aim_inside_window(self) -> PlanRequest:
        if self.like_protocol is not None:
            if self.aim_J_per_cm2 is not None:
                raise ValueError(
                    f"aim_J_per_cm2 = {self.aim_J_per_cm2} and like_protocol = "
                    f"{self.like_protocol!r}: give one aim, not both"
                )
            return self
        aim = self.aim
        if not self.window.lower_J_per_cm2 <= aim <= self.window.upper_J_per_cm2:
            raise BadInputError(
                "aim_J_per_cm2",
                aim,
                "must lie inside the window "
                f"{self.window.lower_J_per_cm2}-{self.window.upper_J_per_cm2} J/cm^2",
            )
        return self

    @model_validator(mode="after")
    def _geometry_available(self) -> PlanRequest:
        if self.geometry == "3d" and self.site.model is None:
            raise BadInputError(
                "geometry", "3d", f"'layers' only: site {self.site.name!r} has no 3-D model"
            )
        return self

    @property
    def resolved_geometry(self) -> Literal["3d", "layers"]:
        """The geometry used: as asked, else the layered model (the 3-D run is opt-in: a
        cold one takes seconds to tens of seconds, a default plan must stay near 2 s)."""
        return self.geometry if self.geometry is not None else "layers"

    @property
    def aim(self) -> float:
        if self.aim_J_per_cm2 is not None:
            return self.aim_J_per_cm2
        return math.sqrt(self.window.lower_J_per_cm2 * self.window.upper_J_per_cm2)

    @property
    def insensate(self) -> bool:
        """Neuropathy patients are treated as insensate unless the skin is known sensate
        on a non-foot site; insensate feet or screening say so explicitly."""
        screened = self.screening is not None and self.screening.insensate_skin
        return self.patient.insensate_feet or screened

    @property
    def screened(self) -> bool:
        return self.screening is not None

    @property
    def screening_facts(self) -> ScreeningInput:
        """The facts screened: those given (none when not screened), with the patient's
        insensate skin, a precaution that holds whether or not a screening was done."""
        facts = self.screening or ScreeningInput()
        return facts.model_copy(update={"insensate_skin": self.insensate})

    @property
    def skin_limit_C(self) -> float:
        limits = self.temperature_limits
        return limits.insensate_max_C if self.insensate else limits.sensate_max_C

    @property
    def planning_limit_C(self) -> float:
        """The skin temperature the planner may reach: the limit less the margin."""
        return self.skin_limit_C - self.temperature_margin_K

    @property
    def thermal_conditions(self) -> ThermalConditions:
        return self.thermal if self.thermal is not None else default_thermal(self.patient)


def default_thermal(patient: Patient) -> ThermalConditions:
    """Room air; perfusion halved for a diabetic patient (assumption, see above)."""
    scale = DIABETIC_PERFUSION_SCALE if patient.diabetic else 1.0
    return ThermalConditions(perfusion_scale=scale)
