"""The plan in plain words: the verdict, the binding constraint, the depth claim, the
Monte Carlo check. Shared by the HTML report and the command line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.safety.checks import SafetyCheck
from photodose.units import MM_PER_CM
from photodose.views.rows import number

# The prefix a screening finding carries as a check (photodose.safety.contraindications).
FINDING_PREFIX = "contraindication: "

# The claim the depth section tests (shared/domain/README.md, landscape.md).
DEPTH_CLAIM = 'Popular descriptions say near-infrared light "penetrates 2 to 7 cm".'


@dataclass(frozen=True)
class Verdict:
    """The one safety verdict the banner, the printout and the table all follow.
    `level`: "stop" (a limit that forbids treatment is exceeded, or a contraindication),
    "caution" (a precaution, a warning limit exceeded, or no screening), "clear"."""

    level: str
    text: str


def safety_verdict(plan: Plan) -> Verdict:
    """Built from the checks' statuses only, so it cannot disagree with the table."""
    checks = plan.checks
    stops = [c for c in checks if c.severity == "block" and c.status in
             ("exceeded", "contraindication")]  # fmt: skip
    exceeded = [c for c in checks if c.status == "exceeded" and c.severity != "block"]
    precautions = [c for c in checks if c.status == "precaution"]
    parts = []
    if stops:
        parts.append("Do not treat: " + "; ".join(_check_name(c) for c in stops) + ".")
    elif exceeded:
        parts.append(
            "Within every limit that forbids treatment; exceeded, for the clinician to judge: "
            + "; ".join(_check_name(c) for c in exceeded) + "."
        )
    else:
        parts.append("Within every safety limit checked.")
    if precautions:
        parts.append("Precautions: " + "; ".join(_check_name(c) for c in precautions) + ".")
    if not plan.screened:
        parts.append("Contraindications: not screened.")
    level = "stop" if stops else ("caution" if exceeded or precautions or not plan.screened
                                  else "clear")  # fmt: skip
    return Verdict(level, " ".join(parts))


def _check_name(check: SafetyCheck) -> str:
    return check.name.removeprefix(FINDING_PREFIX)


def headline(plan: Plan) -> str:
    """The verdict in one or two sentences. The reporting band is named as the assumption
    it is, in the headline itself: no source establishes a fluence window at a nerve."""
    window = plan.request.window
    band = (f"the {number(window.lower_J_per_cm2)}-{number(window.upper_J_per_cm2)} J/cm² "
            "reporting band (an assumption, not an established target for nerves)")  # fmt: skip
    dose = f"{number(plan.nerve_fluence_J_per_cm2)} J/cm² at the nerve (mean over its cross-section"
    interval = plan.nerve_uncertainty
    if interval is not None:
        dose += (f"; 90 % interval {number(interval.low_J_per_cm2)}-"
                 f"{number(interval.high_J_per_cm2)} over what is unknown")  # fmt: skip
    dose += ")"
    verdict = safety_verdict(plan).text
    if plan.binding.startswith("blocked: "):
        return f"Not feasible. {verdict}"
    if plan.kind == "check":
        return f"Protocol as given: {dose}, {plan.window_position} {band}. {verdict}"
    if not plan.feasible:
        return (
            f"Not feasible: no safe setting reaches the aim "
            f"({number(plan.aim_J_per_cm2)} J/cm²); at best {dose}, {plan.window_position} "
            f"{band}. {verdict}"
        )
    within = "Within every safety limit checked."
    if verdict.startswith(within):
        rest = verdict.removeprefix(within).strip()
        return (f"Within every safety limit checked: {dose}, {plan.window_position} {band}."
                + (f" {rest}" if rest else ""))  # fmt: skip
    return f"{dose[0].upper()}{dose[1:]}, {plan.window_position} {band}. {verdict}"


def patient_summary(plan: Plan) -> str:
    """The patient in one line; each fact not given is marked "(default)"."""
    request = plan.request
    patient = request.patient
    defaulted = set(plan.defaulted_inputs)

    def mark(name: str) -> str:
        return " (default)" if name in defaulted else ""

    site = plan.site
    parts = [
        f"skin type {patient.skin_type}{mark('skin_type')}",
        ("diabetic" if patient.diabetic else "not diabetic") + mark("diabetic"),
        ("insensate" if request.insensate else "sensate") + " skin" + mark("insensate_feet"),
    ]
    fat = next((layer for layer in site.layers if layer.tissue == "subcutaneous_fat"), None)
    if "subcutaneous_fat_mm" in defaulted and fat is not None:
        parts.append(f"fat {number(fat.thickness_mm)} mm (site default)")
    elif patient.subcutaneous_fat_mm is not None:
        parts.append(f"fat {number(patient.subcutaneous_fat_mm)} mm (measured)")
    if patient.nerve_depth_mm is not None:
        parts.append(f"nerve depth {number(patient.nerve_depth_mm)} mm (measured)")
    if patient.plantar_atrophy:
        parts.append("plantar atrophy")
    if patient.callus_mm:
        parts.append(f"callus {number(patient.callus_mm)} mm")
    return ", ".join(parts)


def binding_in_words(plan: Plan) -> str:
    """The binding constraint in plain words (the planner's names in docs/planning.md)."""
    binding = plan.binding
    request = plan.request
    if binding.startswith("dose aim at rated power"):
        return (
            "No safety limit is reached: the device runs at its full rated power, and the "
            "time per spot is what that power needs to bring the aimed dose to the nerve. "
            "How far the skin stays below its temperature limit is in brackets."
        )
    if binding == "skin temperature":
        margin = plan.temperature_limit_C - plan.planning_limit_C
        allowed = (f"{number(plan.planning_limit_C)} °C ({number(margin)} K below the "
                   f"{number(plan.temperature_limit_C)} °C limit)" if margin > 0
                   else f"{number(plan.temperature_limit_C)} °C limit")  # fmt: skip
        return (
            f"Heating sets the protocol: at full power the skin would pass the {allowed} "
            "before the nerve had its dose, so the power is turned down (or the time cut "
            "short). The plan sits at that temperature: there is no further headroom."
        )
    if binding == "time per spot":
        return (
            f"The longest allowed time per spot ({number(request.max_time_per_spot_s)} s) "
            "limits the dose: within it this device cannot deliver more light to the nerve "
            "at this depth."
        )
    if binding.startswith("blocked: "):
        return (
            "A check whose failure forbids treatment failed (see the safety checks). "
            "Do not treat until it is resolved."
        )
    if binding == "no light reaches the nerve":
        return "The light model delivers no light to the nerve at this site."
    return ""


def _depth_at(plan: Plan, level: float) -> float | None:
    for item in plan.penetration:
        if np.isclose(item.level, level):
            return item.depth_mm
    raise KeyError(f"level {level} is not among the plan's penetration depths")


def depth_claim_sentences(plan: Plan) -> list[str]:
    """The popular '2-7 cm' claim set against this plan's own depths (on the beam axis,
    against the incident irradiance, docs/dose.md)."""
    z = np.asarray(plan.axial.depth_mm)
    percent = np.asarray(plan.axial.percent_of_incident)
    deepest = plan.axial.deepest_depth_mm
    one = _depth_at(plan, 0.01)
    tenth = _depth_at(plan, 0.001)
    sentences = [DEPTH_CLAIM]
    here = "Here, on the beam axis of this device at this site, the fluence"
    if one is not None:
        levels = f"falls to 1 % of the incident irradiance at {_cm(one)}"
        if tenth is not None:
            levels += f" and to 0.1 % at {_cm(tenth)}"
        else:
            levels += (
                f"; the model ends at {_cm(deepest)} with {number(percent[-1], 2)} % still there"
            )
        sentences.append(f"{here} {levels}.")
    else:
        sentences.append(
            f"{here} is still {number(percent[-1], 2)} % of the incident irradiance where the "
            f"model ends, at {_cm(deepest)}: the 1 % depth lies deeper."
        )
    if deepest >= 20.0:
        at_2cm = float(np.interp(20.0, z, percent))
        sentences.append(f"At 2 cm, {number(at_2cm, 2)} % of the incident irradiance remains.")
    if one is not None and one < 20.0:
        sentences.append(
            "Less than 1 % of the light reaches 2 cm: the claim does not hold for this site "
            "and device."
        )
    elif tenth is not None and tenth < 70.0:
        sentences.append(
            f"Light reaches {_cm(one)} at the percent level; what reaches 5-7 cm is far "
            "below 0.1 % of what enters: traces, not a dose."
        )
    elif one is not None:
        sentences.append(
            f"Light reaches {_cm(one)} at the 1 % level; the model of this site ends at "
            f"{_cm(deepest)}, too shallow to follow it to 5-7 cm. What matters for this plan "
            "is the dose at the nerve above."
        )
    else:
        sentences.append(
            "The model of this site is too shallow to test the claim; what matters for this "
            "plan is the dose at the nerve above."
        )
    return sentences


def _cm(depth_mm: float | None) -> str:
    return "-" if depth_mm is None else f"{depth_mm / MM_PER_CM:.2g} cm"


def verification_summary(check: Verification) -> str:
    se = check.monte_carlo_se_J_per_cm2
    difference = check.fast_fluence_J_per_cm2 - check.monte_carlo_fluence_J_per_cm2
    noise = (
        ""
        if se is None or se <= 0.0
        else (
            " The difference is within two standard errors of the Monte Carlo estimate."
            if abs(difference) <= 2.0 * se
            else " The difference is larger than two standard errors of the Monte Carlo estimate."
        )
    )
    where = "inside" if check.in_window else check.window_position
    return (
        f"Monte Carlo with {check.photons:,} photons puts "
        f"{number(check.monte_carlo_fluence_J_per_cm2)} J/cm² at the nerve ({where} the "
        f"window); the fast path said {number(check.fast_fluence_J_per_cm2)} J/cm² "
        f"({check.relative_error:+.1%}).{noise}"
    )
