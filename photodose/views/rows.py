"""A plan's tables as rows of formatted text: protocol, doses, temperatures, the Monte
Carlo check. Shared by the command line, the HTML report and the web pages, so all show
the same numbers the same way. Values come from the plan's saved fields only."""

from __future__ import annotations

import math
import re
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


_LONG_DECIMAL = re.compile(r"(?<![\w./])(\d+\.\d{4,})(?![\w/.])")
_CELSIUS = re.compile(r"(?<=\d) C\b")
_UNITS = (
    ("mW/cm^2", "mW/cm²"), ("J/cm^2", "J/cm²"), ("W/cm^2", "W/cm²"), ("W/(m^2 K)", "W/(m²·K)")
)  # fmt: skip


def clinical_text(text: str) -> str:
    """One unit style (mW/cm², J/cm², °C) and no long decimals in sentences a clinician
    reads (a DOI such as 10.3389/... is left alone)."""
    for plain, pretty in _UNITS:
        text = text.replace(plain, pretty)
    text = _CELSIUS.sub(" °C", text)
    return _LONG_DECIMAL.sub(lambda m: f"{float(m.group(1)):.3g}", text)


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
    """The patient's facts; a fact the user did not give says "default (not given)"."""
    request = plan.request
    patient = request.patient
    defaulted = set(plan.defaulted_inputs)

    def given(name: str, note: str = "") -> str:
        if name in defaulted:
            return "default (not given)" + (f"; {note}" if note else "")
        return note

    site = plan.site
    fat = next((layer for layer in site.layers if layer.tissue == "subcutaneous_fat"), None)
    rows = [
        Row("Skin type (Fitzpatrick)", str(patient.skin_type), "", given("skin_type")),
        Row("Diabetic", _yes(patient.diabetic), "", given(
            "diabetic", "perfusion halved in the heat model" if patient.diabetic else "")),
        Row("Insensate skin", _yes(request.insensate), "", given(
            "insensate_feet", "stricter temperature limit" if request.insensate else "")),
    ]  # fmt: skip
    if fat is not None and not site.is_plantar:
        rows.append(Row("Subcutaneous fat", number(fat.thickness_mm), "mm",
                        given("subcutaneous_fat_mm", "site's typical value")
                        if patient.subcutaneous_fat_mm is None else "measured"))  # fmt: skip
    rows.append(Row("Nerve depth (centre)", number(site.nerve.depth_mm), "mm",
                    "measured" if patient.nerve_depth_mm is not None
                    else "site's typical value, moved with the layers"))  # fmt: skip
    if site.region == "plantar_forefoot":
        rows.append(Row("Plantar atrophy", _yes(patient.plantar_atrophy)))
    if site.is_plantar:
        rows.append(Row("Callus", number(patient.callus_mm), "mm"))
    return rows


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
            seconds(plan.time_per_spot_s),
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
            f"{number(plan.spot_spacing_mm)} mm apart"
            if plan.spots > 1
            else f"one spot covers the {number(request.treatment_length_mm)} mm of nerve",
            "spots",
            plan.spots,
        ),
        *([Row("Spot centres along the nerve", positions, "mm",
               "from the middle of the treated length")] if plan.spots > 1 else []),  # fmt: skip
        Row(
            "Session duration",
            seconds(plan.session_duration_s),
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


def _minutes(duration_s: float) -> str:
    minutes, rest = divmod(round(duration_s), 60)
    return f"{minutes} min {rest:02d} s"


def seconds(duration_s: float) -> str:
    """A time a clinician sets on a device: whole seconds (tenths below 10 s)."""
    if duration_s < 10.0:
        return f"{duration_s:.1f}"
    return f"{round(duration_s):,}"


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
            "Fluence rate at the nerve as a share of the peak skin irradiance",
            f"{100.0 * plan.fraction_of_surface_irradiance:.0f}",
            "%",
            "above 100 % under a broad beam: light scattered back from deeper tissue "
            "adds to the light coming in (build-up)"
            if plan.fraction_of_surface_irradiance > 1.0
            else "the rest is absorbed or scattered away on the way",
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
            "Fluence at the nerve weighted by CCO absorption",
            "not available" if cco is None else number(cco),
            "" if cco is None else "J/cm²",
            "emission outside the 650-950 nm table of the CCO absorption spectrum"
            if cco is None
            else "weighted by the absorption spectrum of cytochrome c oxidase (1 at its "
            "maximum), not an action spectrum: for comparing wavelengths, not a dose with "
            "evidence behind it",
            "cco_weighted_fluence_J_per_cm2" if cco is not None else "",
            cco,
        ),
    ]


def temperature_rows(plan: Plan) -> list[Row]:
    curves = plan.temperature
    kind = "insensate" if plan.request.insensate else "sensate"
    margin = plan.temperature_limit_C - plan.planning_limit_C
    start = "measured" if plan.skin_start_measured else "model's resting value"
    return [
        Row(
            "Hottest skin on the beam axis",
            f"{plan.peak_skin_temperature_C:.1f}",
            "°C",
            f"rise {plan.skin_rise_K:.1f} K from {plan.skin_start_C:.1f} °C ({start})"
            + ("; sits at the limit" if plan.at_limit else ""),
            "peak_skin_temperature_C",
            plan.peak_skin_temperature_C,
        ),
        Row(
            "Skin temperature limit",
            f"{plan.temperature_limit_C:.0f}",
            "°C",
            f"{kind} skin" + (f"; planned {margin:.1f} K below it" if margin > 0 else ""),
            "temperature_limit_C",
            plan.temperature_limit_C,
        ),
        Row(
            "Hottest heated tissue on the beam axis",
            f"{plan.peak_tissue_temperature_C:.1f}",
            "°C",
            f"{plan.peak_tissue_depth_mm:.1f} mm deep; largest rise {plan.tissue_rise_K:.1f} K "
            f"at {plan.tissue_rise_depth_mm:.1f} mm; hard stop {number(HARD_STOP_C)} °C",
            "peak_tissue_temperature_C",
            plan.peak_tissue_temperature_C,
        ),
        Row(
            "Skin surface, start → end of the spot",
            f"{curves.surface_C[0]:.1f} → {curves.surface_C[-1]:.1f}",
            "°C",
            "beam centre",
        ),
        Row("Skin boundary (model choice)", plan.skin_boundary or "-", ""),
        Row(
            "Arrhenius damage integral",
            clinical_small(plan.damage_omega),
            "",
            "1 is the burn threshold",
            "damage_omega",
            plan.damage_omega,
        ),
    ]


def clinical_small(value: float) -> str:
    """A tiny dimensionless figure for people: '< 0.001' rather than 5.88e-06."""
    if value < 1e-3:
        return "< 0.001"
    return number(value, 2)


def led_pattern_rows(plan: Plan) -> list[Row]:
    """An LED pad under a diode and between diodes (empty for a laser)."""
    pattern = plan.led_pattern
    if pattern is None:
        return []
    where = (f"diode at ({pattern.under_xy_mm[0]:+.0f}, {pattern.under_xy_mm[1]:+.0f}) mm; "
             f"between: ({pattern.between_xy_mm[0]:+.0f}, {pattern.between_xy_mm[1]:+.0f}) mm")
    return [
        Row("Irradiance under a diode / between diodes",
            f"{number(pattern.under_irradiance_mW_per_cm2)} / "
            f"{number(pattern.between_irradiance_mW_per_cm2)}", "mW/cm²", where),
        Row("Fluence at the nerve under a diode / between diodes",
            f"{number(pattern.under_nerve_fluence_J_per_cm2)} / "
            f"{number(pattern.between_nerve_fluence_J_per_cm2)}", "J/cm²",
            "sum of the single-LED fields at the nerve's depth; the plan's dose is the "
            "pad average"),
        Row("Skin temperature under a diode / between diodes",
            f"{pattern.under_skin_C:.1f} / {pattern.between_skin_C:.1f}", "°C",
            f"end of the spot; {pattern.emitters} LEDs summed"),
    ]  # fmt: skip


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


@dataclass(frozen=True)
class CheckLine:
    """A safety check as the table shows it: its status in words, never a bare yes/no."""

    name: str
    status: str
    value: str
    limit: str
    note: str
    source: str
    severity: str


def check_lines(plan: Plan) -> list[CheckLine]:
    lines = []
    for check in plan.checks:
        fact = check.unit == "fact"
        unit = "" if not check.unit or fact else f" {_unit(check.unit)}"
        shown = clinical_small if not check.unit else number
        lines.append(CheckLine(
            name=check.name.removeprefix("contraindication: "),
            status=check.status,
            value="present" if fact else f"{shown(check.value)}{unit}",
            limit="" if fact else f"{number(check.limit)}{unit}",
            note=clinical_text(check.note),
            source=check.source,
            severity=check.severity,
        ))  # fmt: skip
    return lines


def _unit(unit: str) -> str:
    """One unit style for people: °C, J/cm², mW/cm²."""
    styles = {"C": "°C", "J/cm^2": "J/cm²", "mW/cm^2": "mW/cm²", "W/cm^2": "W/cm²"}
    return styles.get(unit, unit)
