"""The treatment plan: time and power per spot, spots along the nerve, the schedule,
the predicted doses and temperatures, every safety check, and which limit binds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import xarray as xr
from pydantic import PrivateAttr

from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.dose.depth import penetration_depths
from photodose.dose.nerve_dose import NerveDose, dose_at_nerve
from photodose.dose.spectral import cco_weight
from photodose.planning.light import (
    LED_ARRAY_BEAM_NOTE,
    emission_samples,
    light_field,
    transport_beam,
)
from photodose.planning.request import SCHEDULE_SOURCE, PlanRequest
from photodose.planning.search import Setting, ThermalResponse, _seconds, choose_setting
from photodose.safety import PulseTrain, SafetyCheck, binding_limit, evaluate
from photodose.safety.mpe import aperture_averaged_irradiance_mW_per_cm2
from photodose.safety.temperature import HARD_STOP_C, HARD_STOP_SOURCE
from photodose.specs import Beam, Spec
from photodose.thermal import arrhenius_damage, heat_from_transport
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site

# Error of the fast path (diffusion) against Monte Carlo at nerve depths beyond ~1 mm
# under finite beams, measured in docs/diffusion.md (limb and wrist stacks).
FAST_PATH_ERROR_NOTE = (
    "fast path: layered diffusion theory, within about -3 to +10 % of Monte Carlo "
    "between 1 and 20 mm deep (docs/diffusion.md); verify with Monte Carlo on request"
)
# Thermal steps across the time range solved (at most 15 s each): short exposures are
# solved over their own range so that they are resolved (checked in tests/planning).
STEPS_PER_HORIZON = 20.0
MAX_THERMAL_STEP_S = 15.0
# The skin limits (docs/safety.md) apply to these layers and the skin face; every other
# tissue on the beam axis is held below the hard stop.
SKIN_TISSUES = frozenset({"epidermis", "dermis", "plantar_skin"})
EVIDENCE_NOTE = (
    "photodose reports the dose a protocol delivers, not a benefit: controlled trials of "
    "infrared therapy for neuropathy are mixed (Lavery 2008, Clifft 2005 and Zinman 2004 "
    "found no difference from sham; Ammar 2012, Bashiri 2013, Yamany 2012 reported gains) "
    "and the US CMS declined coverage in 2006 (CAG-00291N)"
)


class Plan(Spec):
    """A treatment plan. Powers W, times s, fluences J/cm^2, temperatures C."""

    request: PlanRequest
    feasible: bool
    binding: str
    explanation: str
    method: str
    wavelengths_nm: tuple[float, ...]
    emission_weights: tuple[float, ...]
    beam: Beam
    power_W: float
    power_fraction_of_rated: float
    time_per_spot_s: float
    spots: int
    spot_positions_mm: tuple[float, ...]
    spot_spacing_mm: float
    session_duration_s: float
    sessions_per_week: int
    weeks: int
    peak_irradiance_mW_per_cm2: float
    mean_irradiance_mW_per_cm2: float
    surface_dose_J_per_cm2: float
    energy_per_spot_J: float
    nerve_depth_mm: float
    nerve_diameter_mm: float
    nerve_fluence_J_per_cm2: float
    nerve_fluence_min_J_per_cm2: float
    nerve_fluence_rate_mW_per_cm2: float
    fraction_of_surface_irradiance: float
    nerve_length_in_window_mm: float
    window_position: str
    cco_weighted_fluence_J_per_cm2: float | None
    peak_skin_temperature_C: float
    """Hottest point of the skin (its face and skin layers) on the beam axis."""
    peak_tissue_temperature_C: float
    """Hottest point anywhere on the beam axis (deep tissue rests near 37 C)."""
    temperature_limit_C: float
    """The skin limit (insensate or sensate); other tissue: the 44 C hard stop."""
    damage_omega: float
    depth_10pct_mm: float | None
    depth_1pct_mm: float | None
    depth_01pct_mm: float | None
    checks: tuple[SafetyCheck, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    kind: Literal["plan", "check"] = "plan"
    """`plan`: power and time found by the search; `check`: a protocol given as is."""

    _details: PlanDetails | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # the saved fields decide: pydantic would also compare the details, whose xarray
        # fields have no truth value (and which a loaded plan lacks)
        if not isinstance(other, Plan):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    @property
    def sessions(self) -> int:
        return self.sessions_per_week * self.weeks

    @property
    def details(self) -> PlanDetails:
        """The fields behind the numbers (light, heat, dose); not part of the saved plan."""
        if self._details is None:
            raise ValueError("details: a plan loaded from a file has no fields; re-plan it")
        return self._details


Solved = tuple[xr.Dataset, tuple[ThermalResponse, ThermalResponse], Setting]
"""A thermal solution at 1 W, its (skin, tissue) responses, and the setting chosen."""


@dataclass(frozen=True)
class PlanDetails:
    light: xr.Dataset
    heating: xr.Dataset
    response: ThermalResponse
    dose: NerveDose


def plan(
    site: str | Site,
    device: str | Device,
    patient: Patient | None = None,
    **options: Any,
) -> Plan:
    """Plan a treatment: `site` and `device` by name or spec; options as PlanRequest."""
    request = PlanRequest(
        site=load_site(site) if isinstance(site, str) else site,
        device=load_device(device) if isinstance(device, str) else device,
        patient=patient or Patient(),
        **options,
    )
    return plan_request(request)


@dataclass(frozen=True)
class FixedProtocol:
    """A protocol given as is (photodose.planning.check): no search."""

    power_W: float
    time_s: float
    spots: int | None = None
    """None: as many as the treatment length needs (as a plan counts them)."""


def plan_request(request: PlanRequest, fixed: FixedProtocol | None = None) -> Plan:
    """Search power and time per spot; with `fixed`, evaluate that protocol instead."""
    site = request.site.for_patient(request.patient)
    device = request.device
    skin_type = request.patient.skin_type
    beam = transport_beam(device)
    wavelengths, weights = emission_samples(device)
    light = light_field(site, device, skin_type)
    per_watt_second = dose_at_nerve(light, 1.0, 1.0, beam, site.nerve.depth_mm,
                                    site.nerve.diameter_mm, window=request.window)  # fmt: skip
    fluence_per_J = per_watt_second.target_fluence_J_per_cm2
    # the whole cross-section should reach the window: aim high enough for its minimum
    aim = request.aim
    spread = per_watt_second.target_fluence_min_J_per_cm2 / max(fluence_per_J, 1e-300)
    if spread > 0 and aim * spread < request.window.lower_J_per_cm2:
        aim = min(request.window.lower_J_per_cm2 / spread, request.window.upper_J_per_cm2)

    rated = device.average_power_W
    min_power = rated if device.led_array is not None else rated * request.min_power_fraction
    limit = (request.temperature_limits.insensate_max_C if request.insensate
             else request.temperature_limits.sensate_max_C)  # fmt: skip
    tissues = [layer.tissue for layer in site.layers]

    def solve(horizon_s: float) -> Solved:
        heating = heat_from_transport(
            light, tissues, power_W=1.0, duration_s=horizon_s, cooling_s=0.0,
            conditions=request.thermal_conditions, padding_mm=60.0, ramp_levels=2,
            dt_max_s=thermal_step(horizon_s),
        )
        skin, tissue = _axis_responses(heating, site)
        response = _constraint(skin, tissue, limit)
        setting = choose_setting(
            fluence_per_J=fluence_per_J, aim_J_per_cm2=aim,
            lower_J_per_cm2=request.window.lower_J_per_cm2, rated_power_W=rated,
            min_power_W=min_power, max_time_s=min(horizon_s, request.max_time_per_spot_s),
            limit_C=limit, response=response,
        )
        return heating, (skin, tissue), setting  # fmt: skip

    # Most plans run at rated power: the heat over the time rated power needs settles it.
    # Only when that is too hot (or too long) is the whole time range solved.
    rated_time_s = aim / (fluence_per_J * rated) if fluence_per_J > 0 else math.inf
    heating, responses, setting = None, None, None
    if fixed is not None:
        heating, responses, _ = solve(fixed.time_s)
        setting = _fixed_setting(fixed, fluence_per_J, limit, responses)
    elif rated_time_s < request.max_time_per_spot_s:
        heating, responses, setting = solve(rated_time_s * 1.01)
        if setting.binding != "dose aim at rated power":
            heating = None
    if heating is None or responses is None or setting is None:
        heating, responses, setting = solve(request.max_time_per_spot_s)
        # a short exposure falls among the first, coarse steps: solve its own time range
        refined_s = min(request.max_time_per_spot_s, 2.0 * setting.time_s)
        if 0.0 < refined_s and thermal_step(refined_s) < thermal_step(request.max_time_per_spot_s):
            refined = solve(refined_s)
            if refined[2].feasible or not setting.feasible:
                heating, responses, setting = refined
    skin, tissue = responses
    dose = dose_at_nerve(light, setting.power_W, setting.time_s, beam, site.nerve.depth_mm,
                         site.nerve.diameter_mm, window=request.window)  # fmt: skip
    peak_skin_C = float(skin.peak_C(setting.power_W, setting.time_s))
    peak_C = float(tissue.peak_C(setting.power_W, setting.time_s))
    omega = _damage(tissue, setting)
    spots, positions, spacing = _spots(request.treatment_length_mm, dose, beam)
    if fixed is not None and fixed.spots is not None:
        spots, positions, spacing = _given_spots(request.treatment_length_mm, fixed.spots)
    checks = _checks(request, device, beam, setting, peak_skin_C, peak_C, omega)
    binding = _binding(setting, checks, peak_skin_C, limit)
    if fixed is not None:
        binding = _checked_binding(checks)
    depths = penetration_depths(light, beam)
    notes = _notes(request, device, setting, spots, dose)
    result = Plan(
        request=request,
        feasible=setting.feasible and not any(c.severity == "block" and not c.passed
                                              for c in checks),
        binding=binding,
        explanation=f"{setting.explanation}; skin at most {peak_skin_C:.1f} C, hottest "
        f"tissue {peak_C:.1f} C",
        method="diffusion (fast path)",
        wavelengths_nm=tuple(float(w) for w in wavelengths),
        emission_weights=tuple(float(w) for w in weights),
        beam=beam,
        power_W=setting.power_W,
        power_fraction_of_rated=setting.power_W / rated,
        time_per_spot_s=setting.time_s,
        spots=spots,
        spot_positions_mm=positions,
        spot_spacing_mm=spacing,
        session_duration_s=spots * setting.time_s,
        sessions_per_week=request.sessions_per_week,
        weeks=request.weeks,
        peak_irradiance_mW_per_cm2=dose.peak_irradiance_mW_per_cm2,
        mean_irradiance_mW_per_cm2=dose.mean_irradiance_mW_per_cm2,
        surface_dose_J_per_cm2=dose.surface_dose_J_per_cm2,
        energy_per_spot_J=dose.energy_per_point_J,
        nerve_depth_mm=site.nerve.depth_mm,
        nerve_diameter_mm=site.nerve.diameter_mm,
        nerve_fluence_J_per_cm2=dose.target_fluence_J_per_cm2,
        nerve_fluence_min_J_per_cm2=dose.target_fluence_min_J_per_cm2,
        nerve_fluence_rate_mW_per_cm2=dose.target_fluence_rate_mW_per_cm2,
        fraction_of_surface_irradiance=dose.fraction_of_surface_irradiance,
        nerve_length_in_window_mm=dose.nerve_length_in_window_mm,
        window_position=dose.window_class.position,
        cco_weighted_fluence_J_per_cm2=_cco_fluence(wavelengths, weights, dose),
        peak_skin_temperature_C=peak_skin_C,
        peak_tissue_temperature_C=peak_C,
        temperature_limit_C=limit,
        damage_omega=omega,
        depth_10pct_mm=depths.depth_mm(0.1),
        depth_1pct_mm=depths.depth_mm(0.01),
        depth_01pct_mm=depths.depth_mm(0.001),
        checks=tuple(checks),
        notes=notes,
        sources=_sources(request, site, device),
        kind="plan" if fixed is None else "check",
    )
    result._details = PlanDetails(light=light, heating=heating, response=tissue, dose=dose)
    return result


def _fixed_setting(fixed: FixedProtocol, fluence_per_J: float, limit_C: float,
                   responses: tuple[ThermalResponse, ThermalResponse]) -> Setting:  # fmt: skip
    skin, tissue = responses
    skin_C = float(skin.peak_C(fixed.power_W, fixed.time_s))
    tissue_C = float(tissue.peak_C(fixed.power_W, fixed.time_s))
    within = skin_C <= limit_C and tissue_C <= HARD_STOP_C
    fluence = fluence_per_J * fixed.power_W * fixed.time_s
    return Setting(
        feasible=within, power_W=fixed.power_W, time_s=fixed.time_s,
        fluence_J_per_cm2=fluence, binding="protocol as given",
        explanation=f"the protocol as given: {fixed.power_W:.3g} W for {_seconds(fixed.time_s)} "
        f"per spot, no search",
    )  # fmt: skip


def _given_spots(length_mm: float, count: int) -> tuple[int, tuple[float, ...], float]:
    spacing = length_mm / count
    positions = tuple(-length_mm / 2 + (i + 0.5) * spacing for i in range(count))
    return count, positions, spacing


def _checked_binding(checks: list[SafetyCheck]) -> str:
    """The limit a given protocol comes closest to (or exceeds): a failed forbidding
    check first; temperatures by their headroom in kelvin, not a ratio of Celsius."""
    blocked = [c for c in checks if c.severity == "block" and not c.passed]
    if blocked:
        return f"blocked: {blocked[0].name}"
    exceeded = [c for c in checks if c.kind == "limit" and not c.passed]
    if exceeded:
        return f"exceeded: {exceeded[0].name}"
    closest = binding_limit(checks)
    if closest is None:
        return "no limit checked"
    if closest.unit == "C":
        # among temperature limits of that severity, the one with the least headroom
        same = [c for c in checks if c.kind == "limit" and c.unit == "C"
                and c.severity == closest.severity]  # fmt: skip
        closest = min(same, key=lambda c: c.limit - c.value)
        headroom = closest.limit - closest.value
        return f"{closest.name} ({headroom:.1f} K below its {closest.limit:g} C limit)"
    return f"{closest.name} (at {100.0 * closest.margin:.0f} % of its limit)"


def thermal_step(horizon_s: float) -> float:
    """The largest thermal time step used over a time range of `horizon_s`."""
    return min(MAX_THERMAL_STEP_S, horizon_s / STEPS_PER_HORIZON)


def _axis_responses(heating: xr.Dataset, site: Site) -> tuple[ThermalResponse, ThermalResponse]:
    """Rise per watt (the driver ran at 1 W) on the axis: of the skin (face and skin
    layers), and of all tissue (face included)."""
    baseline = heating["baseline_temperature_C"].isel(r_mm=0).values
    axis = heating["temperature_C"].values
    surface = heating["surface_temperature_C"].values
    baseline_all = np.concatenate(([surface[0]], baseline))
    rise = np.concatenate((surface[:, None], axis), axis=1) - baseline_all
    time = heating["time_s"].values
    is_skin = np.array([layer.tissue in SKIN_TISSUES for layer in site.layers])
    layer_of_cell = np.minimum(heating["layer_index"].values, len(site.layers)) - 1
    skin_cells = np.concatenate(([True], is_skin[layer_of_cell]))
    return (
        ThermalResponse(time, baseline_all[skin_cells], rise[:, skin_cells]),
        ThermalResponse(time, baseline_all, rise),
    )


def _constraint(skin: ThermalResponse, tissue: ThermalResponse, limit_C: float) -> ThermalResponse:
    """One response whose peak stays <= limit_C exactly when the skin stays <= limit_C
    and all tissue <= the hard stop: tissue baselines are shifted by the difference."""
    shift = HARD_STOP_C - limit_C
    return ThermalResponse(
        skin.time_s,
        np.concatenate((skin.baseline_C, tissue.baseline_C - shift)),
        np.concatenate((skin.rise_per_W, tissue.rise_per_W), axis=1),
    )


def _damage(response: ThermalResponse, setting: Setting) -> float:
    times = response.time_s[response.time_s < setting.time_s]
    times = np.append(times, setting.time_s)
    rise = np.array([np.interp(times, response.time_s, response.rise_per_W[:, z])
                     for z in range(response.rise_per_W.shape[1])]).T  # fmt: skip
    temperature = response.baseline_C + setting.power_W * rise
    return float(arrhenius_damage(times, temperature)[-1].max())


def _spots(length_mm: float, dose: NerveDose, beam: Beam) -> tuple[int, tuple[float, ...], float]:
    """Spots side by side along the nerve, each covering the length its fluence keeps
    inside the window (at least the beam diameter: overlapping tails are ignored)."""
    covered = max(dose.nerve_length_in_window_mm, 2.0 * beam.radius_mm)
    count = max(1, math.ceil(length_mm / covered))
    spacing = length_mm / count
    positions = tuple(-length_mm / 2 + (i + 0.5) * spacing for i in range(count))
    return count, positions, spacing


def _checks(request: PlanRequest, device: Device, beam: Beam, setting: Setting,
            peak_skin_C: float, peak_C: float, omega: float) -> list[SafetyCheck]:  # fmt: skip
    laser = device.kind == "laser_probe"
    if laser:
        irradiance = aperture_averaged_irradiance_mW_per_cm2(setting.power_W, beam)
    else:
        irradiance = device.peak_irradiance_mW_per_cm2() * setting.power_W / device.average_power_W
    pulse = None
    if laser and device.mode == "pulsed" and device.frequency_Hz and device.duty_cycle:
        pulse = PulseTrain(pulse_duration_s=device.duty_cycle / device.frequency_Hz,
                           repetition_rate_Hz=device.frequency_Hz)  # fmt: skip
    checks = evaluate(
        wavelength_nm=device.emission.peak_nm, irradiance_mW_per_cm2=irradiance,
        exposure_s=max(setting.time_s, 1e-9), source_type="laser" if laser else "lamp",
        pulse=pulse, insensate=request.insensate, peak_skin_C=peak_skin_C,
        temperature_limits=request.temperature_limits, damage_integral=omega,
        screening=request.screening,
    )  # fmt: skip
    deep = SafetyCheck.compare(
        name="peak tissue temperature (hard stop)",
        quantity="hottest point anywhere on the beam axis during the exposure",
        value=peak_C, limit=HARD_STOP_C, unit="C", severity="block", source=HARD_STOP_SOURCE,
        note="tissue below the skin is held below the hard stop; the skin limit is stricter",
    )  # fmt: skip
    return [*checks, deep]


def _binding(setting: Setting, checks: list[SafetyCheck], peak_skin_C: float,
             limit_C: float) -> str:  # fmt: skip
    """What set the protocol. With no limit reached, the skin's headroom in kelvin: a
    ratio of Celsius temperatures would say nothing (0 C is not zero heat)."""
    blocked = [c for c in checks if c.severity == "block" and not c.passed]
    if blocked:
        return f"blocked: {blocked[0].name}"
    if setting.binding == "dose aim at rated power":
        return (f"{setting.binding} (skin {limit_C - peak_skin_C:.1f} K below its "
                f"{limit_C:g} C limit)")  # fmt: skip
    return setting.binding


def _notes(request: PlanRequest, device: Device, setting: Setting, spots: int,
           dose: NerveDose) -> tuple[str, ...]:  # fmt: skip
    notes = [EVIDENCE_NOTE, FAST_PATH_ERROR_NOTE]
    if device.led_array is not None:
        notes.append(LED_ARRAY_BEAM_NOTE)
    if spots * setting.time_s > request.max_session_s:
        notes.append(
            f"the session ({spots} spots x {setting.time_s:.0f} s) exceeds the "
            f"{request.max_session_s:.0f} s session limit: split it over visits"
        )
    if dose.length_reaches_grid_edge:
        notes.append("the in-window nerve length reaches the model's edge: a lower bound")
    if request.insensate:
        notes.append("insensate skin: the patient cannot report heat; inspect the skin")
    scale = request.thermal_conditions.perfusion_scale
    notes.append(f"temperature model: perfusion {scale:g} x the IT'IS value")
    return tuple(notes)


def _sources(request: PlanRequest, site: Site, device: Device) -> tuple[str, ...]:
    return (
        *site.sources,
        f"nerve: {site.nerve.source}",
        f"device: {device.source}",
        f"dose window: {request.window.source}",
        f"schedule: {SCHEDULE_SOURCE}",
    )


def _cco_fluence(wavelengths: np.ndarray, weights: np.ndarray, dose: NerveDose) -> float | None:
    """Nerve fluence weighted by the CCO spectrum (relative, 1 at its maximum), when the
    whole emission lies inside the CCO table (650-950 nm); else None."""
    if wavelengths.min() < 650.0 or wavelengths.max() > 950.0:
        return None
    # per-wavelength fields share one shape closely enough over an LED band for this
    # summary figure; photodose.dose.cco_weighted does it per wavelength
    return float(np.dot(weights, cco_weight(wavelengths))) * dose.target_fluence_J_per_cm2
