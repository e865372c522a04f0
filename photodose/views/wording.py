"""The plan in plain words: the verdict, the binding constraint, the depth claim, the
Monte Carlo check. Shared by the HTML report and the command line."""

from __future__ import annotations

import numpy as np

from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.units import MM_PER_CM
from photodose.views.rows import number

# The claim the depth section tests (shared/domain/README.md, landscape.md).
DEPTH_CLAIM = 'Popular descriptions say near-infrared light "penetrates 2 to 7 cm".'


def headline(plan: Plan) -> str:
    window = plan.request.window
    bounds = f"{number(window.lower_J_per_cm2)}-{number(window.upper_J_per_cm2)} J/cm²"
    if plan.binding.startswith("blocked: "):
        return (
            f"Not feasible: a safety check that forbids treatment failed "
            f"({plan.binding.removeprefix('blocked: ')})."
        )
    if not plan.feasible:
        return (
            f"Not feasible: no safe protocol puts the nerve in the {bounds} window. At best "
            f"the nerve receives {number(plan.nerve_fluence_J_per_cm2)} J/cm²."
        )
    return (
        f"Feasible: the nerve receives {number(plan.nerve_fluence_J_per_cm2)} J/cm² (mean over "
        f"its cross-section), {plan.window_position} the {bounds} window, within every "
        "safety limit checked."
    )


def binding_in_words(plan: Plan) -> str:
    """The binding constraint in plain words (the planner's names in docs/planning.md)."""
    binding = plan.binding
    request = plan.request
    if binding.startswith("dose aim at rated power"):
        return (
            "No safety limit is reached: the device runs at its full rated power, and the "
            "time per spot is simply what that power needs to bring the aimed dose to the "
            "nerve. How far the skin stays below its temperature limit is in brackets."
        )
    if binding == "skin temperature":
        return (
            f"Heating sets the protocol: at full power the tissue would pass the "
            f"{number(plan.temperature_limit_C)} °C limit before the nerve had its dose, so "
            "the power is turned down (or the time cut short) to stay at or below it."
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
