"""Every plan respects every limit: random sites x devices x patients x windows x limits.

Feasible => nerve fluence inside the window, peak temperature at or below the limit (the
planner's figure, and for exposures of 3 s or more a direct thermal solve at the plan's
setting within 0.05 K; see test_planning_plan.py for shorter ones), time
per spot at or below its maximum, power between the lowest setting and the rated power,
no blocking check failed. Infeasible => reported (feasible False, with an explanation),
never forced into the window, and still within the same power, time and temperature
limits.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from planning_cases import HOT_PROBE, TINY_RED_PROBE, directly_solved_peaks_C

from photodose.devices.device import Device
from photodose.devices.library import list_devices, load_device
from photodose.dose.window import DoseWindow
from photodose.planning import PlanRequest, plan_request
from photodose.safety.temperature import HARD_STOP_C, TemperatureLimits
from photodose.tissue.library import list_sites, load_site
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site

SITES = {name: load_site(name) for name in list_sites()}
DEVICES: dict[str, Device] = {name: load_device(name) for name in list_devices()}
DEVICES |= {HOT_PROBE.name: HOT_PROBE, TINY_RED_PROBE.name: TINY_RED_PROBE}
# Shortest exposure whose heating the planner's 1 W solution resolves (its first time
# steps are ~0.16-0.5 s long): measured within 0.03 K of a fine solve from 3 s up.
RESOLVED_EXPOSURE_S = 3.0


@st.composite
def patients(draw: st.DrawFn, site: Site) -> Patient:
    """Skin type, and the patient modifiers that apply to the site, inside its ranges."""
    fat = None
    fat_layers = [layer for layer in site.layers if layer.tissue == "subcutaneous_fat"]
    if not site.is_plantar and fat_layers and draw(st.booleans()):
        low, high = fat_layers[0].thickness_range_mm
        fat = draw(st.floats(low, high))
    return Patient(
        skin_type=draw(st.integers(1, 6)),
        subcutaneous_fat_mm=fat,
        diabetic=draw(st.booleans()),
        insensate_feet=draw(st.booleans()),
        plantar_atrophy=site.region == "plantar_forefoot" and draw(st.booleans()),
        callus_mm=draw(st.sampled_from([0.0, 1.0, 2.5])) if site.is_plantar else 0.0,
    )


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    site = SITES[draw(st.sampled_from(sorted(SITES)))]
    device = DEVICES[draw(st.sampled_from(sorted(DEVICES)))]
    lower = draw(st.floats(0.1, 5.0))
    window = DoseWindow(lower_J_per_cm2=lower, upper_J_per_cm2=lower * draw(st.floats(1.5, 30.0)))
    insensate_max = draw(st.floats(39.0, 42.0))
    limits = TemperatureLimits(
        insensate_max_C=insensate_max, sensate_max_C=draw(st.floats(insensate_max, 44.0))
    )
    return PlanRequest(
        site=site,
        device=device,
        patient=draw(patients(site)),
        window=window,
        max_time_per_spot_s=draw(st.floats(5.0, 1800.0)),
        min_power_fraction=draw(st.floats(0.01, 0.5)),
        temperature_limits=limits,
        uncertainty_samples=0,  # the limits are what is tested here, not the interval
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=requests())
def test_every_plan_respects_every_limit(request: PlanRequest) -> None:
    p = plan_request(request)
    event(f"feasible={p.feasible}, binding: {p.binding.split(' (')[0]}")
    window = request.window
    rated = request.device.average_power_W
    minimum = rated if request.device.led_array is not None else rated * request.min_power_fraction
    limit = (request.temperature_limits.insensate_max_C if request.insensate
             else request.temperature_limits.sensate_max_C)  # fmt: skip

    assert p.temperature_limit_C == limit
    assert minimum * (1 - 1e-12) <= p.power_W <= rated * (1 + 1e-12)
    assert 0.0 <= p.time_per_spot_s <= request.max_time_per_spot_s * (1 + 1e-12)
    assert p.peak_skin_temperature_C <= limit + 1e-9
    assert p.peak_tissue_temperature_C <= HARD_STOP_C + 1e-9
    if p.time_per_spot_s >= RESOLVED_EXPOSURE_S:
        skin_C, tissue_C = directly_solved_peaks_C(p)
        assert skin_C <= limit + 0.05
        assert tissue_C <= HARD_STOP_C + 0.05
    blocked = [c for c in p.checks if c.severity == "block" and not c.passed]
    if p.feasible:
        assert window.lower_J_per_cm2 * (1 - 1e-9) <= p.nerve_fluence_J_per_cm2
        assert p.nerve_fluence_J_per_cm2 <= window.upper_J_per_cm2 * (1 + 1e-9)
        assert not blocked
    else:
        assert p.explanation
        assert blocked or p.nerve_fluence_J_per_cm2 < window.lower_J_per_cm2
        # never forced: an infeasible plan does not claim the window
        assert p.window_position != "inside" or blocked
