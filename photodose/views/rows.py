"""A plan's tables as rows of formatted text: protocol, doses, temperatures, the Monte
Carlo check. Shared by the command line, the HTML report and the web pages, so all show
the same numbers the same way. Values come from the plan's saved fields only."""

from __future__ import annotations

import math
from dataclasses import dataclass

from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.safety.temperature import HARD_STOP_C


def number(value: float | None, digits: int = 3) -> str:
    """A number for people: 3 significant digits, thousands separated, no 1.2e+03."""
    if value is None:
        return "-"
    if value == 0.0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = abs(value)
    if magnitude >= 10.0**digits:
        return f"{value:,.0f}"
    if magnitude < 1.0e-3:
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}g}"


@dataclass(frozen=True)
class Row:
    """One line of a table. `key` names the Plan field shown (the cell carries it and the
    exact value as data attributes, for machines)."""

    label: str
    value: str
    unit: str = ""
    note: str = ""
    key: str = ""
    raw: float | None = None


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def patient_rows(plan: Plan) -> list[Row]:
    request = plan.request
    patient = request.patient
    return [
        Row("Skin type (Fitzpatrick)", str(patient.skin_type)),
        Row(
            "Diabetic",
            _yes(patient.diabetic),
            note="perfusion scaled in the heat model" if patient.diabetic else "",
        ),
        Row(
            "Insensate skin",
            _yes(request.insensate),
            note="stricter temperature limit" if request.insensate else "",
        ),
        Row(
            "Subcutaneous fat",
            "site default"
            if patient.subcutaneous_fat_mm is None
            else number(patient.subcutaneous_fat_mm),
            "" if patient.subcutaneous_fat_mm is None else "mm",
        ),
        Row("Plantar atrophy", _yes(patient.plantar_atrophy)),
        Row("Callus", number(patient.callus_mm), "mm"),
    ]


def device_rows(plan: Plan) -> list[Row]:
    device = plan.request.device
    emission = device.emission
    width = "laser line" if emission.fwhm_nm == 0 else f"FWHM {number(emission.fwhm_nm)} nm"
    return [
        Row("Kind", device.kind.replace("_", " ")),
        Row("Emission", f"{number(emission.peak_nm)} nm, {width}"),
        Row(
            "Wavelengths modelled",
            ", ".join(number(w) for w in plan.wavelengths_nm),
            "nm",
            "weights " + ", ".join(number(w, 2) for w in plan.emission_weights),
        ),
        Row("Rated average power", number(device.average_power_W), "W"),
        Row(
            "Mode",
            device.mode
            if device.mode == "cw"
            else f"pulsed, {number(device.frequency_Hz)} Hz, "
            f"duty cycle {number(device.duty_cycle)}",
            note="" if device.mode == "cw" else "modelled by its average power",
        ),
        Row(
            "Beam modelled",
            f"{plan.beam.profile.replace('_', ' ')}, radius {number(plan.beam.radius_mm)} mm",
        ),
    ]


def protocol_rows(plan: Plan) -> list[Row]:
    positions = ", ".join(f"{p:+.1f}" for p in plan.spot_positions_mm)
    request = plan.request
    return [
        Row(
            "Power",
            number(plan.power_W),
            "W",
            f"{plan.power_fraction_of_rated:.0%} of the rated "
            f"{number(request.device.average_power_W)} W",
            "power_W",
            plan.power_W,
        ),
        Row(
            "Time per spot",
            number(plan.time_per_spot_s),
            "s",
            _minutes(plan.time_per_spot_s),
            "time_per_spot_s",
            plan.time_per_spot_s,
        ),
        Row(
            "Spots",
            str(plan.spots),
            "",
            f"along {number(request.treatment_length_mm)} mm of nerve, "
            f"{number(plan.spot_spacing_mm)} mm apart",
            "spots",
            plan.spots,
        ),
        Row(
            "Spot centres along the nerve", positions, "mm", "from the middle of the treated length"
        ),
        Row(
            "Session duration",
            number(plan.session_duration_s),
            "s",
            _minutes(plan.session_duration_s) + " of light (spots x time)",
            "session_duration_s",
            plan.session_duration_s,
        ),
        Row(
            "Schedule",
            f"{plan.sessions_per_week} sessions/week x {plan.weeks} weeks",
            "",
            f"{plan.sessions} sessions in all",
            "sessions",
            plan.sessions,
        ),
    ]


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def window_rows(plan: Plan) -> list[Row]:
    window = plan.request.window
    return [
        Row(
            "Target window at the nerve",
            f"{number(window.lower_J_per_cm2)}-{number(window.upper_J_per_cm2)}",
            "J/cm²",
            "fluence, mean over the nerve's cross-section",
        ),
        Row(
            "Aimed fluence",
            number(plan.request.aim),
            "J/cm²",
            "raised when needed so the cross-section's minimum reaches the lower bound",
        ),
    ]


def skin_dose_rows(plan: Plan) -> list[Row]:
    return [
        Row(
            "Irradiance, peak",
            number(plan.peak_irradiance_mW_per_cm2),
            "mW/cm²",
            "power per area at the centre of the beam",
            "peak_irradiance_mW_per_cm2",
            plan.peak_irradiance_mW_per_cm2,
        ),
        Row(
            "Irradiance, mean over the beam",
            number(plan.mean_irradiance_mW_per_cm2),
            "mW/cm²",
            "",
            "mean_irradiance_mW_per_cm2",
            plan.mean_irradiance_mW_per_cm2,
        ),
        Row(
            "Surface dose (peak irradiance x time)",
            number(plan.surface_dose_J_per_cm2),
            "J/cm²",
            "the 'energy density' protocols quote; NOT the dose at the nerve",
            "surface_dose_J_per_cm2",
            plan.surface_dose_J_per_cm2,
        ),
        Row(
            "Surface dose, mean over the beam",
            number(plan.surface_dose_mean_J_per_cm2),
            "J/cm²",
            "",
            "surface_dose_mean_J_per_cm2",
            plan.surface_dose_mean_J_per_cm2,
        ),
        Row(
            "Energy per spot",
            number(plan.energy_per_spot_J),
            "J",
            "power x time",
            "energy_per_spot_J",
            plan.energy_per_spot_J,
        ),
    ]


def nerve_dose_rows(plan: Plan) -> list[Row]:
    window = plan.request.window
    minimum = window.classify(plan.nerve_fluence_min_J_per_cm2).position
    cco = plan.cco_weighted_fluence_J_per_cm2
    return [
        Row(
            "Nerve depth (centre) and diameter",
            f"{number(plan.nerve_depth_mm)} / {number(plan.nerve_diameter_mm)}",
            "mm",
        ),
        Row(
            "Fluence at the nerve, mean over its cross-section",
            number(plan.nerve_fluence_J_per_cm2),
            "J/cm²",
            f"{plan.window_position} the window",
            "nerve_fluence_J_per_cm2",
            plan.nerve_fluence_J_per_cm2,
        ),
        Row(
            "Fluence at the nerve, minimum over its cross-section",
            number(plan.nerve_fluence_min_J_per_cm2),
            "J/cm²",
            f"{minimum} the window",
            "nerve_fluence_min_J_per_cm2",
            plan.nerve_fluence_min_J_per_cm2,
        ),
        Row(
            "Fluence rate at the nerve (mean)",
            number(plan.nerve_fluence_rate_mW_per_cm2),
            "mW/cm²",
            "",
            "nerve_fluence_rate_mW_per_cm2",
            plan.nerve_fluence_rate_mW_per_cm2,
        ),
        Row(
            "Fraction of the surface irradiance reaching the nerve",
            number(100.0 * plan.fraction_of_surface_irradiance),
            "%",
            "nerve fluence rate / peak irradiance",
            "fraction_of_surface_irradiance",
            plan.fraction_of_surface_irradiance,
        ),
        Row(
            "Nerve length inside the window, per spot",
            number(plan.nerve_length_in_window_mm),
            "mm",
            "",
            "nerve_length_in_window_mm",
            plan.nerve_length_in_window_mm,
        ),
        Row(
            "CCO-weighted fluence at the nerve",
            "not available" if cco is None else number(cco),
            "" if cco is None else "J/cm²",
            "emission outside the 650-950 nm action spectrum"
            if cco is None
            else "weighted by the cytochrome c oxidase action spectrum (1 at its maximum); "
            "for comparing wavelengths, not a dose with evidence behind it",
            "cco_weighted_fluence_J_per_cm2" if cco is not None else "",
            cco,
        ),
    ]


def temperature_rows(plan: Plan) -> list[Row]:
    curves = plan.temperature
    kind = "insensate" if plan.request.insensate else "sensate"
    return [
        Row(
            "Hottest skin on the beam axis",
            number(plan.peak_skin_temperature_C),
            "°C",
            f"skin face and skin layers; limit {number(plan.temperature_limit_C)} °C ({kind} skin)",
            "peak_skin_temperature_C",
            plan.peak_skin_temperature_C,
        ),
        Row(
            "Skin temperature limit",
            number(plan.temperature_limit_C),
            "°C",
            f"{kind} skin",
            "temperature_limit_C",
            plan.temperature_limit_C,
        ),
        Row(
            "Hottest tissue anywhere on the beam axis",
            number(plan.peak_tissue_temperature_C),
            "°C",
            f"deep tissue rests near 37 °C; hard stop {number(HARD_STOP_C)} °C",
            "peak_tissue_temperature_C",
            plan.peak_tissue_temperature_C,
        ),
        Row(
            "Skin surface, start → end of the spot",
            f"{number(curves.surface_C[0])} → {number(curves.surface_C[-1])}",
            "°C",
            "beam centre",
        ),
        Row(
            "Arrhenius damage integral",
            number(plan.damage_omega),
            "",
            "Omega = 1 is the burn threshold",
            "damage_omega",
            plan.damage_omega,
        ),
    ]


def verification_rows(check: Verification) -> list[Row]:
    se = check.monte_carlo_se_J_per_cm2
    return [
        Row("Photons, seed", f"{check.photons:,}, {check.seed}"),
        Row(
            "Fast path (diffusion) at the nerve",
            number(check.fast_fluence_J_per_cm2),
            "J/cm²",
            "",
            "fast_fluence_J_per_cm2",
            check.fast_fluence_J_per_cm2,
        ),
        Row(
            "Monte Carlo at the nerve",
            number(check.monte_carlo_fluence_J_per_cm2),
            "J/cm²",
            "" if se is None else f"standard error {number(se)} J/cm²",
            "monte_carlo_fluence_J_per_cm2",
            check.monte_carlo_fluence_J_per_cm2,
        ),
        Row(
            "Monte Carlo minimum over the cross-section",
            number(check.monte_carlo_min_J_per_cm2),
            "J/cm²",
            "",
            "monte_carlo_min_J_per_cm2",
            check.monte_carlo_min_J_per_cm2,
        ),
        Row(
            "Relative error of the fast path",
            f"{check.relative_error:+.1%}",
            "",
            "(fast - Monte Carlo) / Monte Carlo",
            "relative_error",
            check.relative_error,
        ),
        Row(
            "Monte Carlo dose against the window",
            check.window_position,
            "",
            "in the window" if check.in_window else "NOT in the window",
        ),
    ]
