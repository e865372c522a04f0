"""The treatment plan: time and power per spot, spots along the nerve, the schedule,
the predicted doses and temperatures, every safety check, and which limit binds."""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import xarray as xr
from pydantic import PrivateAttr, model_validator

from photodose._version import __version__
from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.dose.depth import penetration_depths
from photodose.dose.nerve_dose import NerveDose, dose_at_nerve
from photodose.dose.spectral import cco_weight
from photodose.errors import BadInputError
from photodose.planning.evidence import (
    EvidenceRow,
    protocol_nerve_fluence,
    published_evidence,
)
from photodose.planning.led_pattern import LedPattern, led_pattern
from photodose.planning.light import (
    LED_ARRAY_BEAM_NOTE,
    emission_samples,
    light_field,
    transport_beam,
)
from photodose.planning.model_dose import THREE_D_NOTE, ModelDose, ProgressCallback
from photodose.planning.profiles import (
    AxialProfile,
    PenetrationLevel,
    TemperatureCurve,
    axial_profile,
    penetration_levels,
    temperature_curve,
)
from photodose.planning.request import SCHEDULE_SOURCE, SKIN_START_SOURCE, PlanRequest
from photodose.planning.search import Setting, ThermalResponse, _seconds, choose_setting
from photodose.planning.uncertainty import (
    IntervalRun,
    NerveUncertainty,
    Unknowns,
    with_measured_depth,
)
from photodose.safety import PulseTrain, SafetyCheck, binding_limit, evaluate
from photodose.safety.mpe import aperture_averaged_irradiance_mW_per_cm2
from photodose.safety.temperature import HARD_STOP_C, HARD_STOP_SOURCE
from photodose.specs import Beam, Spec
from photodose.thermal import arrhenius_damage, heat_from_transport
from photodose.thermal.conditions import ThermalConditions
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site

# Error of the fast path (diffusion) against Monte Carlo at nerve depths beyond ~1 mm
# under finite beams, measured in docs/diffusion.md (limb and wrist stacks).
FAST_PATH_ERROR_NOTE = (
    "fast path: layered diffusion theory, within about -3 to +10 % of Monte Carlo "
    "between 1 and 20 mm deep (docs/diffusion.md); verify with Monte Carlo on request. "
    "That is the model's error, NOT the uncertainty of the nerve dose: what is not known "
    "about the tissue and the nerve's depth moves it far more (the 90 % interval, "
    "docs/uncertainty.md)"
)
# Thermal steps across the time range solved (at most 15 s each): short exposures are
# solved over their own range so that they are resolved (checked in tests/planning).
STEPS_PER_HORIZON = 20.0
# A plan whose skin peak lies within this of the planning limit "sits at the limit".
AT_LIMIT_K = 0.05
MAX_THERMAL_STEP_S = 15.0
# The skin limits (docs/safety.md) apply to these layers and the skin face; every other
# tissue on the beam axis is held below the hard stop.
SKIN_TISSUES = frozenset({"stratum_corneum", "epidermis", "dermis", "plantar_skin"})
EVIDENCE_NOTE = (
    "photodose reports the dose a protocol delivers, not a benefit: controlled trials of "
    "infrared therapy for neuropathy are mixed (Lavery 2008, Clifft 2005 and Zinman 2004 "
    "found no difference from sham; Ammar 2012, Bashiri 2013, Yamany 2012 reported gains) "
    "and the US CMS declined coverage in 2006 (CAG-00291N)"
)


PLAN_SCHEMA_VERSION = 2
"""The version of the saved plan's layout. Old versions keep loading: to change the
layout, give a new field a default (no new version needed), or bump this number, add the
step from the previous version to `_UPGRADES`, and save one example plan of the new
version as tests/specs/plans/plan_v<N>.json (the tests load and render every one)."""


class LayerEnergy(Spec):
    layer: str
    energy_J: float
    """Energy absorbed in the layer during one spot, J."""


class Plan(Spec):
    """A treatment plan. Powers W, times s, fluences J/cm^2, temperatures C.

    Self-contained: it carries every number its report shows (the adapted site, the light
    on the beam axis, penetration depths, temperature curves, the checks), so a saved plan
    renders without re-planning. `details` holds the full fields of a fresh plan only."""

    schema_version: int = PLAN_SCHEMA_VERSION
    photodose_version: str
    """The photodose version that made the plan."""
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
    """Hottest point on the beam axis where the light heats the tissue (cells rising by at
    least a tenth of the largest rise), within the stack; the hard-stop check covers every
    cell of the stack, resting deep tissue included."""
    peak_tissue_depth_mm: float = 0.0
    """Depth of that point, 0 = the skin face."""
    skin_rise_K: float = 0.0
    """Largest rise of the skin above its resting temperature during a spot."""
    tissue_rise_K: float = 0.0
    """Largest rise above rest anywhere on the axis within the stack."""
    tissue_rise_depth_mm: float = 0.0
    skin_start_C: float = 0.0
    """Resting skin-face temperature used: measured (request) or the model's."""
    skin_start_measured: bool = False
    temperature_limit_C: float
    """The skin limit (insensate or sensate); other tissue: the 44 C hard stop."""
    planning_limit_C: float = 0.0
    """The skin temperature the search was allowed to reach (limit - margin)."""
    at_limit: bool = False
    """The plan's skin temperature sits at the planning limit (heat set the protocol)."""
    skin_boundary: str = ""
    """The thermal boundary at the skin, in words (a stated modelling choice)."""
    defaulted_inputs: tuple[str, ...] = ()
    """Patient facts the user did not give (photodose.tissue.patient.REPORTED_INPUTS)."""
    input_warnings: tuple[str, ...] = ()
    """Measured values outside typical ranges, impossible anatomy: shown with the plan."""
    screened: bool = False
    """Whether contraindication screening facts were given."""
    led_pattern: LedPattern | None = None
    """An LED pad's pattern: irradiance, nerve fluence and skin temperature under a diode
    and between diodes (sum of single-LED fields; photodose.planning.led_pattern)."""
    damage_omega: float
    depth_10pct_mm: float | None
    depth_1pct_mm: float | None
    depth_01pct_mm: float | None
    checks: tuple[SafetyCheck, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    site: Site
    """The site adapted to the patient (layers and nerve as planned)."""
    surface_dose_mean_J_per_cm2: float
    """Irradiance x time averaged over the beam."""
    absorbed_energy_by_layer: tuple[LayerEnergy, ...]
    axial: AxialProfile
    penetration: tuple[PenetrationLevel, ...]
    temperature: TemperatureCurve
    kind: Literal["plan", "check"] = "plan"
    """`plan`: power and time found by the search; `check`: a protocol given as is."""
    aim_J_per_cm2: float | None = None
    """The nerve fluence the search aimed at (None for a check)."""
    aim_source: str = ""
    """Where the aim came from: the window's geometric mean, the user, or a protocol."""
    evidence: tuple[EvidenceRow, ...] = ()
    """Published protocols applied to this site's region, evaluated here in the model."""
    nerve_uncertainty: NerveUncertainty | None = None
    """The nerve fluence's 90 % interval over what is unknown (request.uncertainty_samples)."""
    geometry: Literal["3d", "layers"] = "layers"
    """Where the nerve dose was computed: the layered model only, or also the site's 3-D
    model (`model_dose`, beside the layered estimate)."""
    model_dose: ModelDose | None = None
    """The nerve dose in the site's 3-D model at this power and time, with a slice of the
    fluence (schema 2; None for geometry 'layers')."""

    _details: PlanDetails | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """Bring a plan saved by an older schema version up to this one."""
        if not isinstance(data, dict):
            return data
        if "schema_version" not in data and "axial" in data:
            return data  # made now, by the planner: the current version (the default)
        version = data.get("schema_version")
        if version is None:
            raise BadInputError(
                "schema_version",
                None,
                "missing: the plan was saved before plans were versioned (schema 1) and "
                "lacks what its report shows; plan it again from its request",
            )
        if not isinstance(version, int) or not 1 <= version <= PLAN_SCHEMA_VERSION:
            raise BadInputError(
                "schema_version",
                version,
                f"this photodose ({__version__}) reads plan versions 1 to "
                f"{PLAN_SCHEMA_VERSION}",
            )
        for step in _UPGRADES[version - 1 :]:
            data = step(data)
        return data

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


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 adds the 3-D model's dose: a version-1 plan was planned in layers only."""
    return {**data, "schema_version": 2, "geometry": "layers", "model_dose": None}


# _UPGRADES[k] turns a saved plan of version k + 1 into version k + 2.
_UPGRADES: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (_v1_to_v2,)

Solved = tuple[xr.Dataset, tuple[ThermalResponse, ThermalResponse], Setting]
"""A thermal solution at 1 W, its (skin, tissue) responses, and the setting chosen."""


@dataclass(frozen=True)
class PlanDetails:
    light: xr.Dataset
    heating: xr.Dataset
    response: ThermalResponse
    dose: NerveDose
    response_depths_mm: np.ndarray
    """Depth of each cell of `response` (0 = the skin face), within the tissue stack."""


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


def plan_request(request: PlanRequest, fixed: FixedProtocol | None = None,
                 progress: ProgressCallback | None = None) -> Plan:  # fmt: skip
    """Search power and time per spot; with `fixed`, evaluate that protocol instead.
    `progress(done, total)` follows the photons of the 3-D model's run (if one is needed:
    a cached result needs none)."""
    # the interval's cases do not depend on the plan: begun first, they run on the
    # second core while the plan is searched
    with _interval_run(request) as interval:
        return _planned(request, fixed, progress, interval)


def _planned(request: PlanRequest, fixed: FixedProtocol | None,
             progress: ProgressCallback | None, interval: IntervalRun | None) -> Plan:  # fmt: skip
    adapted = request.patient.adapted(request.site)
    site = with_measured_depth(adapted.site, request.nerve_depth_measured_mm)
    device = request.device
    skin_type = request.patient.skin_type
    beam = transport_beam(device)
    wavelengths, weights = emission_samples(device)
    light = light_field(site, device, skin_type)
    per_watt_second = dose_at_nerve(light, 1.0, 1.0, beam, site.nerve.depth_mm,
                                    site.nerve.diameter_mm, window=request.window)  # fmt: skip
    fluence_per_J = per_watt_second.target_fluence_J_per_cm2
    evidence = published_evidence(site, skin_type)
    aim, aim_source = _aim(request, site, skin_type, per_watt_second)
    # aiming at a protocol's dose, falling short of it is not "reaching the band"
    lower = aim if request.like_protocol is not None else request.window.lower_J_per_cm2

    rated = device.average_power_W
    min_power = rated if device.led_array is not None else rated * request.min_power_fraction
    limit = request.planning_limit_C
    tissues = [layer.tissue for layer in site.layers]

    def solve(horizon_s: float) -> Solved:
        heating = heat_from_transport(
            light, tissues, power_W=1.0, duration_s=horizon_s, cooling_s=0.0,
            conditions=request.thermal_conditions, padding_mm=60.0, ramp_levels=2,
            dt_max_s=thermal_step(horizon_s),
        )
        skin, tissue = _axis_responses(heating, site, request.skin_start_C)
        response = _constraint(skin, tissue, limit)
        setting = choose_setting(
            fluence_per_J=fluence_per_J, aim_J_per_cm2=aim,
            lower_J_per_cm2=lower, rated_power_W=rated,
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
    depths = _response_depths(heating, site)
    hottest = _hottest(tissue, depths, setting)
    peak_C = hottest.peak_C  # the hard stop applies to any tissue, resting or heated
    skin_rise = float((setting.power_W * skin.rise_per_W[skin.time_s <= setting.time_s]).max(
        initial=0.0))  # fmt: skip
    omega = _damage(tissue, setting)
    spots, positions, spacing = _spots(request.treatment_length_mm, dose, beam)
    if fixed is not None and fixed.spots is not None:
        spots, positions, spacing = _given_spots(request.treatment_length_mm, fixed.spots)
    checks = _checks(request, device, beam, setting, peak_skin_C, peak_C, omega)
    binding = _binding(setting, checks, peak_skin_C, request.skin_limit_C)
    if fixed is not None:
        binding = _checked_binding(checks)
    penetration = penetration_depths(light, beam)
    pattern = None
    if device.led_array is not None:
        pattern = led_pattern(
            site, device, skin_type, power_fraction=setting.power_W / rated,
            time_s=max(setting.time_s, 1.0), conditions=request.thermal_conditions,
            skin_start_C=float(skin.baseline_C[0]),
        )  # fmt: skip
    peak_irradiance, mean_irradiance = _irradiance(device, setting, dose)
    at_limit = setting.binding == "skin temperature" or peak_skin_C >= limit - AT_LIMIT_K
    notes = _notes(request, device, setting, spots, dose)
    geometry = request.resolved_geometry
    in_3d = None
    if geometry == "3d":
        # the voxel engine (numba) loads only when a plan asks for the 3-D model
        from photodose.planning.geometry import model_dose, model_per_watt

        per_watt = model_per_watt(site, device, skin_type, progress)
        in_3d = model_dose(site, device, per_watt, setting.power_W, setting.time_s,
                           dose.target_fluence_J_per_cm2)  # fmt: skip
        notes += (THREE_D_NOTE, _model_note(in_3d, request))
    if at_limit:
        notes += (
            f"the plan sits at the skin temperature limit: the skin reaches "
            f"{peak_skin_C:.1f} °C of {limit:g} °C allowed; a warmer or less perfused foot "
            "would pass it (consider a margin)",
        )
    result = Plan(
        photodose_version=__version__,
        request=request,
        feasible=setting.feasible and not any(c.severity == "block" and not c.passed
                                              for c in checks),
        binding=binding,
        explanation=f"{setting.explanation}; skin at most {peak_skin_C:.1f} °C "
        f"(+{skin_rise:.1f} K), hottest heated tissue {hottest.heated_C:.1f} °C at "
        f"{hottest.heated_depth_mm:.1f} mm",
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
        peak_irradiance_mW_per_cm2=peak_irradiance,
        mean_irradiance_mW_per_cm2=mean_irradiance,
        surface_dose_J_per_cm2=peak_irradiance * setting.time_s / 1000.0,
        energy_per_spot_J=dose.energy_per_point_J,
        nerve_depth_mm=site.nerve.depth_mm,
        nerve_diameter_mm=site.nerve.diameter_mm,
        nerve_fluence_J_per_cm2=dose.target_fluence_J_per_cm2,
        nerve_fluence_min_J_per_cm2=dose.target_fluence_min_J_per_cm2,
        nerve_fluence_rate_mW_per_cm2=dose.target_fluence_rate_mW_per_cm2,
        fraction_of_surface_irradiance=dose.target_fluence_rate_mW_per_cm2 / peak_irradiance
        if peak_irradiance > 0 else 0.0,
        nerve_length_in_window_mm=dose.nerve_length_in_window_mm,
        window_position=dose.window_class.position,
        cco_weighted_fluence_J_per_cm2=_cco_fluence(wavelengths, weights, dose),
        peak_skin_temperature_C=peak_skin_C,
        peak_tissue_temperature_C=hottest.heated_C,
        peak_tissue_depth_mm=hottest.heated_depth_mm,
        skin_rise_K=skin_rise,
        tissue_rise_K=hottest.rise_K,
        tissue_rise_depth_mm=hottest.rise_depth_mm,
        skin_start_C=float(skin.baseline_C[0]),
        skin_start_measured=request.skin_start_C is not None,
        temperature_limit_C=request.skin_limit_C,
        planning_limit_C=limit,
        at_limit=at_limit,
        skin_boundary=skin_boundary_text(request.thermal_conditions),
        defaulted_inputs=_defaulted(request, site),
        input_warnings=adapted.warnings,
        screened=request.screened,
        led_pattern=pattern,
        damage_omega=omega,
        depth_10pct_mm=penetration.depth_mm(0.1),
        depth_1pct_mm=penetration.depth_mm(0.01),
        depth_01pct_mm=penetration.depth_mm(0.001),
        checks=tuple(checks),
        notes=notes,
        sources=_sources(request, site, device),
        site=site,
        surface_dose_mean_J_per_cm2=dose.surface_dose_mean_J_per_cm2,
        absorbed_energy_by_layer=tuple(
            LayerEnergy(layer=name, energy_J=energy)
            for name, energy in dose.absorbed_energy_by_layer_J
        ),
        axial=axial_profile(light, penetration, setting.power_W, setting.time_s),
        penetration=penetration_levels(penetration),
        temperature=temperature_curve(tissue, depths, setting.power_W, setting.time_s),
        kind="plan" if fixed is None else "check",
        aim_J_per_cm2=None if fixed is not None else aim,
        aim_source="" if fixed is not None else aim_source,
        evidence=evidence,
        nerve_uncertainty=interval.finish(dose.target_fluence_J_per_cm2)
        if interval is not None and dose.target_fluence_J_per_cm2 > 0.0 else None,
        geometry=geometry,
        model_dose=in_3d,
    )
    result._details = PlanDetails(light=light, heating=heating, response=tissue, dose=dose,
                                  response_depths_mm=depths)  # fmt: skip
    return result


def _model_note(in_3d: ModelDose, request: PlanRequest) -> str:
    """How the 3-D dose compares with the layered estimate and the reporting band."""
    ratio = in_3d.mean_J_per_cm2 / in_3d.layered_J_per_cm2 if in_3d.layered_J_per_cm2 else 0.0
    window = request.window
    where = ("inside" if window.lower_J_per_cm2 <= in_3d.mean_J_per_cm2
             <= window.upper_J_per_cm2 else "outside")  # fmt: skip
    return (
        f"in the 3-D model the nerve receives {in_3d.mean_J_per_cm2:.3g} ± "
        f"{in_3d.mean_se_J_per_cm2:.2g} J/cm² (mean over its voxels; {ratio:.2f} x the layered "
        f"estimate), {where} the {window.lower_J_per_cm2:g}-{window.upper_J_per_cm2:g} J/cm² "
        "band"
    )


def _interval_run(request: PlanRequest) -> IntervalRun | nullcontext[None]:
    if request.uncertainty_samples == 0:
        return nullcontext(None)
    # a depth measured at this patient, given either way, is not sampled
    measured = request.nerve_depth_measured_mm or request.patient.nerve_depth_mm
    unknowns = Unknowns(depth_measured_mm=measured,
                        skin_type_known=request.skin_type_known)  # fmt: skip
    return IntervalRun(request.site, request.device, request.patient,
                       samples=request.uncertainty_samples,
                       seed=request.uncertainty_seed, unknowns=unknowns)  # fmt: skip


def _aim(request: PlanRequest, site: Site, skin_type: int,
         per_watt_second: NerveDose) -> tuple[float, str]:  # fmt: skip
    """The nerve fluence to aim at, and where it comes from."""
    if request.like_protocol is not None:
        row = protocol_nerve_fluence(request.like_protocol, site, skin_type)
        return row.nerve_fluence_J_per_cm2, (
            f"the nerve dose {request.like_protocol} delivers at this site in photodose's "
            f"model ({row.rule}; its result: {row.result})"
        )
    window = request.window
    aim = request.aim
    source = ("the user's aim" if request.aim_J_per_cm2 is not None
              else "the geometric mean of the reporting band (an assumption)")  # fmt: skip
    # the whole cross-section should reach the band: aim high enough for its minimum
    fluence_per_J = per_watt_second.target_fluence_J_per_cm2
    spread = per_watt_second.target_fluence_min_J_per_cm2 / max(fluence_per_J, 1e-300)
    if spread > 0 and aim * spread < window.lower_J_per_cm2:
        aim = min(window.lower_J_per_cm2 / spread, window.upper_J_per_cm2)
        source += ", raised so the whole nerve cross-section reaches the band's lower bound"
    return aim, source


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


def _irradiance(device: Device, setting: Setting, dose: NerveDose) -> tuple[float, float]:
    """Peak and mean irradiance at the skin, mW/cm^2: an LED pad's from the device model
    (the peak is under a diode; the transport's flat disc carries only the mean)."""
    if device.led_array is None:
        return dose.peak_irradiance_mW_per_cm2, dose.mean_irradiance_mW_per_cm2
    fraction = setting.power_W / device.average_power_W
    return (device.peak_irradiance_mW_per_cm2() * fraction,
            device.mean_irradiance_mW_per_cm2() * fraction)  # fmt: skip


def thermal_step(horizon_s: float) -> float:
    """The largest thermal time step used over a time range of `horizon_s`."""
    return min(MAX_THERMAL_STEP_S, horizon_s / STEPS_PER_HORIZON)


def _in_stack(heating: xr.Dataset, site: Site) -> np.ndarray:
    """Axis cells inside the tissue stack: the thermal padding below it only carries the
    resting temperature and is no place the light heats."""
    return np.asarray(heating["z_mm"].values < site.thickness_mm)


def _response_depths(heating: xr.Dataset, site: Site) -> np.ndarray:
    return np.concatenate(([0.0], heating["z_mm"].values[_in_stack(heating, site)]))


def _axis_responses(
    heating: xr.Dataset, site: Site, skin_start_C: float | None = None
) -> tuple[ThermalResponse, ThermalResponse]:
    """Rise per watt (the driver ran at 1 W) on the axis: of the skin (face and skin
    layers), and of all tissue of the stack (face included). A measured resting skin
    temperature replaces the model's resting temperature of the skin face and skin
    layers; Pennes with fixed perfusion is linear, so the rise does not depend on it."""
    inside = _in_stack(heating, site)
    baseline = heating["baseline_temperature_C"].isel(r_mm=0).values[inside]
    axis = heating["temperature_C"].values[:, inside]
    surface = heating["surface_temperature_C"].values
    baseline_all = np.concatenate(([surface[0]], baseline))
    rise = np.concatenate((surface[:, None], axis), axis=1) - baseline_all
    time = heating["time_s"].values
    is_skin = np.array([layer.tissue in SKIN_TISSUES for layer in site.layers])
    layer_of_cell = np.minimum(heating["layer_index"].values[inside], len(site.layers)) - 1
    skin_cells = np.concatenate(([True], is_skin[layer_of_cell]))
    if skin_start_C is not None:
        baseline_all = baseline_all.copy()
        baseline_all[skin_cells] = skin_start_C
    return (
        ThermalResponse(time, baseline_all[skin_cells], rise[:, skin_cells]),
        ThermalResponse(time, baseline_all, rise),
    )


@dataclass(frozen=True)
class Hottest:
    peak_C: float
    """Hottest point of the stack on the axis (deep tissue at rest included): hard stop."""
    heated_C: float
    """Hottest point where the light heats: cells rising by at least HEATED_FRACTION of
    the largest rise (deep tissue resting near 37 C is not 'hot tissue')."""
    heated_depth_mm: float
    rise_K: float
    rise_depth_mm: float


# Cells whose rise reaches this share of the largest rise on the axis are "heated"
# (resting deep tissue, warmed by a few per cent of the peak rise, is not).
HEATED_FRACTION = 0.1


def _hottest(response: ThermalResponse, depths_mm: np.ndarray, setting: Setting) -> Hottest:
    """The hottest point and the largest rise on the axis within the stack, over a spot."""
    on = response.time_s <= setting.time_s
    rise = setting.power_W * response.rise_per_W[on].max(axis=0)
    peak = float(response.peak_C(setting.power_W, setting.time_s))
    temperature = np.where(rise >= HEATED_FRACTION * rise.max(), response.baseline_C + rise,
                           -np.inf)  # fmt: skip
    hot = int(np.argmax(temperature))
    return Hottest(
        peak_C=peak,
        heated_C=float(temperature[hot]),
        heated_depth_mm=float(depths_mm[hot]),
        rise_K=float(rise.max()),
        rise_depth_mm=float(depths_mm[int(np.argmax(rise))]),
    )


def skin_boundary_text(conditions: ThermalConditions) -> str:
    """The skin's thermal boundary in words: a stated modelling choice."""
    probe = conditions.probe
    if probe is None:
        return (
            f"bare skin in room air ({conditions.air_temperature_C:g} °C, "
            f"{conditions.convection_W_per_m2_K:g} W/(m²·K))"
        )
    return (
        f"contact applicator on the skin over {probe.radius_mm:g} mm radius at "
        f"{probe.temperature_C:g} °C, {probe.contact_conductance_W_per_m2_K:g} W/(m²·K); "
        f"room air ({conditions.air_temperature_C:g} °C) elsewhere"
    )


def _defaulted(request: PlanRequest, site: Site) -> tuple[str, ...]:
    """Reported patient facts not given; fat only where the site has a fat layer to set."""
    has_fat = not site.is_plantar and any(l.tissue == "subcutaneous_fat" for l in site.layers)
    return tuple(name for name in request.patient.defaulted_inputs()
                 if name != "subcutaneous_fat_mm" or has_fat)  # fmt: skip


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
        screening=request.screening_facts,
    )  # fmt: skip
    deep = SafetyCheck.compare(
        name="peak tissue temperature (hard stop)",
        quantity="hottest point on the beam axis within the tissue during the exposure",
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
    if request.temperature_margin_K > 0.0:
        notes.append(
            f"planned {request.temperature_margin_K:g} K below the {request.skin_limit_C:g} °C "
            "skin limit (safety margin asked for)"
        )
    if request.skin_start_C is not None:
        notes.append(
            f"resting skin temperature {request.skin_start_C:g} °C as measured (used for the "
            f"skin face and skin layers); {SKIN_START_SOURCE}"
        )
    else:
        notes.append(
            "resting skin temperature from the model (room air, 37 °C blood), likely warmer "
            "than a neuropathic foot: the cautious side; measure it and give it to refine "
            f"({SKIN_START_SOURCE})"
        )
    if not request.screened:
        notes.append(
            "contraindications not screened: no screening facts were given (pregnancy, "
            "malignancy in the field, photosensitising drugs, arterial disease, implants...)"
        )
    return tuple(notes)


def _sources(request: PlanRequest, site: Site, device: Device) -> tuple[str, ...]:
    model = site.model if request.resolved_geometry == "3d" else None
    in_3d = () if model is None else (
        *(f"3-D model: {text}" for text in model.sources),
        *(f"3-D model, {vessel.name}: {vessel.source}" for vessel in model.vessels),
    )  # fmt: skip
    return (
        *site.sources,
        *in_3d,
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
