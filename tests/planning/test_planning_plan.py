"""Plans on the shipped sites and devices: dose arithmetic, limits, schedule, JSON."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planning_cases import HOT_PROBE, TINY_RED_PROBE, directly_solved_peaks_C

from photodose.devices.library import load_device
from photodose.dose import dose_at_nerve
from photodose.planning import Plan, plan
from photodose.safety.temperature import HARD_STOP_C
from photodose.tissue.patient import Patient

INSENSATE = Patient(diabetic=True, insensate_feet=True)

# (site, device, patient): a cool laser plan, an insensate foot with a laser, an LED pad,
# and the 10 W test probe where temperature sets the power (sensate and insensate)
CASES = {
    "wrist-980": ("wrist-median", "980nm-laser-200mW", Patient()),
    "ankle-808-insensate": ("medial-ankle-tibial", "808nm-laser-probe", INSENSATE),
    "forefoot-led-pad": ("plantar-forefoot", "890nm-led-pad", INSENSATE),
    "wrist-hot-sensate": ("wrist-median", HOT_PROBE, Patient(insensate_feet=False)),
    "wrist-hot-insensate": ("wrist-median", HOT_PROBE, INSENSATE),
}


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {key: plan(site, device, patient) for key, (site, device, patient) in CASES.items()}


@pytest.mark.parametrize("key", list(CASES))
def test_nerve_fluence_is_fluence_per_joule_times_power_times_time(
    plans: dict[str, Plan], key: str
) -> None:
    """Dose is linear in power and time: the plan's nerve fluence equals the nerve
    fluence of the same light field at 1 W for 1 s, times P x t."""
    p = plans[key]
    per_watt_second = dose_at_nerve(p.details.light, 1.0, 1.0, p.beam, p.nerve_depth_mm,
                                    p.nerve_diameter_mm)  # fmt: skip
    expected = per_watt_second.target_fluence_J_per_cm2 * p.power_W * p.time_per_spot_s
    assert p.nerve_fluence_J_per_cm2 == pytest.approx(expected, rel=1e-9)
    assert p.energy_per_spot_J == pytest.approx(p.power_W * p.time_per_spot_s, rel=1e-12)


@settings(max_examples=15, deadline=None)
@given(power=st.floats(1e-3, 20.0), time=st.floats(0.1, 3600.0), factor=st.floats(0.1, 10.0))
def test_dose_scales_linearly_with_power_and_time(
    plans: dict[str, Plan], power: float, time: float, factor: float
) -> None:
    """dose_at_nerve on the plan's light: scaling power or time by k scales the surface
    dose, the nerve fluence (mean and minimum) and the energy by k."""
    p = plans["ankle-808-insensate"]

    def dose(pw: float, t: float):  # type: ignore[no-untyped-def]
        return dose_at_nerve(p.details.light, pw, t, p.beam, p.nerve_depth_mm, p.nerve_diameter_mm)

    base = dose(power, time)
    for scaled in (dose(power * factor, time), dose(power, time * factor)):
        for name in ("surface_dose_J_per_cm2", "target_fluence_J_per_cm2",
                     "target_fluence_min_J_per_cm2", "energy_per_point_J"):  # fmt: skip
            assert getattr(scaled, name) == pytest.approx(factor * getattr(base, name), rel=1e-9)


def test_flat_top_surface_dose_is_irradiance_times_time(plans: dict[str, Plan]) -> None:
    """980 nm probe: flat top of radius 5.642 mm (1.000 cm^2); irradiance = P / area."""
    p = plans["wrist-980"]
    device = load_device("980nm-laser-200mW")
    assert p.beam == device.probe.beam  # type: ignore[union-attr]
    area_cm2 = math.pi * (5.642 / 10.0) ** 2
    irradiance_mW_per_cm2 = 1000.0 * p.power_W / area_cm2
    assert p.peak_irradiance_mW_per_cm2 == pytest.approx(irradiance_mW_per_cm2, rel=1e-12)
    assert p.mean_irradiance_mW_per_cm2 == pytest.approx(irradiance_mW_per_cm2, rel=1e-12)
    assert p.surface_dose_J_per_cm2 == pytest.approx(
        irradiance_mW_per_cm2 / 1000.0 * p.time_per_spot_s, rel=1e-12
    )


@pytest.mark.parametrize("key", list(CASES))
def test_feasible_plan_is_inside_window_and_every_limit(plans: dict[str, Plan], key: str) -> None:
    p = plans[key]
    request = p.request
    assert p.feasible
    assert request.window.lower_J_per_cm2 <= p.nerve_fluence_J_per_cm2
    assert p.nerve_fluence_J_per_cm2 <= request.window.upper_J_per_cm2
    assert p.window_position == "inside"
    assert 0.0 < p.time_per_spot_s <= request.max_time_per_spot_s
    assert p.peak_skin_temperature_C <= p.temperature_limit_C
    assert p.peak_tissue_temperature_C <= HARD_STOP_C
    rated = request.device.average_power_W
    minimum = rated if request.device.led_array is not None else rated * request.min_power_fraction
    assert minimum * (1 - 1e-12) <= p.power_W <= rated * (1 + 1e-12)
    assert not [c for c in p.checks if c.severity == "block" and not c.passed]


@pytest.mark.parametrize(
    ("key", "limit_C"), [("wrist-hot-sensate", 43.0), ("wrist-hot-insensate", 41.0)]
)
def test_temperature_sets_the_power_of_a_hot_probe(
    plans: dict[str, Plan], key: str, limit_C: float
) -> None:
    """10 W on 2 mm: the power is lowered until the hottest skin on the axis sits at the
    limit (41 C insensate, 43 C sensate, docs/safety.md), deeper tissue stays below the
    44 C hard stop, and a thermal solve at that power and time with fine steps agrees
    within 0.05 K."""
    p = plans[key]
    assert p.temperature_limit_C == limit_C
    assert p.binding == "skin temperature"
    assert p.power_W < 10.0
    assert limit_C - 0.1 <= p.peak_skin_temperature_C <= limit_C
    assert p.peak_tissue_temperature_C <= HARD_STOP_C
    skin_C, tissue_C = directly_solved_peaks_C(p)
    assert skin_C == pytest.approx(p.peak_skin_temperature_C, abs=0.05)
    # the hard stop covers every cell of the stack; the reported hottest heated tissue
    # is the hottest among the cells the light warms, so never above it
    hard_stop = next(c for c in p.checks if c.name.startswith("peak tissue"))
    assert tissue_C == pytest.approx(hard_stop.value, abs=0.05)
    assert p.peak_tissue_temperature_C <= hard_stop.value + 1e-9


@pytest.mark.parametrize("key", ["wrist-980", "ankle-808-insensate", "forefoot-led-pad"])
def test_cool_plans_run_at_rated_power(plans: dict[str, Plan], key: str) -> None:
    p = plans[key]
    assert p.binding.startswith("dose aim at rated power")
    assert p.power_W == pytest.approx(p.request.device.average_power_W, rel=1e-12)
    skin_C, tissue_C = directly_solved_peaks_C(p)
    assert skin_C <= p.temperature_limit_C
    assert tissue_C <= HARD_STOP_C
    assert p.temperature_limit_C == (41.0 if p.request.insensate else 43.0)


def test_time_per_spot_limit_is_respected() -> None:
    """The 808 nm probe needs ~76 s at the ankle; allowed 30 s it delivers what 30 s at
    rated power gives, and says the time per spot stops it."""
    p = plan("medial-ankle-tibial", "808nm-laser-probe", INSENSATE, max_time_per_spot_s=30.0)
    assert p.time_per_spot_s == pytest.approx(30.0, rel=1e-12)
    assert p.power_W == pytest.approx(0.1, rel=1e-12)
    assert p.binding == "time per spot"
    assert p.nerve_fluence_J_per_cm2 < p.request.aim
    if p.feasible:
        assert p.nerve_fluence_J_per_cm2 >= p.request.window.lower_J_per_cm2
    else:
        assert p.nerve_fluence_J_per_cm2 < p.request.window.lower_J_per_cm2


def test_infeasible_request_is_reported_not_forced() -> None:
    """2 mW of 630 nm light on the plantar heel (nerve 12 mm deep): at most the rated
    power for the longest time, well below the window, and the plan says so."""
    p = plan("plantar-heel", TINY_RED_PROBE, INSENSATE)
    assert not p.feasible
    assert p.binding == "time per spot"
    assert p.nerve_fluence_J_per_cm2 < p.request.window.lower_J_per_cm2
    assert p.window_position == "below"
    assert p.time_per_spot_s == pytest.approx(p.request.max_time_per_spot_s, rel=1e-12)
    assert p.power_W == pytest.approx(0.002, rel=1e-12)
    assert "no safe setting reaches the window" in p.explanation


@pytest.mark.parametrize("key", list(CASES))
def test_schedule_arithmetic(plans: dict[str, Plan], key: str) -> None:
    p = plans[key]
    request = p.request
    assert p.session_duration_s == pytest.approx(p.spots * p.time_per_spot_s, rel=1e-12)
    assert len(p.spot_positions_mm) == p.spots >= 1
    assert p.spots * p.spot_spacing_mm == pytest.approx(request.treatment_length_mm, rel=1e-12)
    # spots side by side: each covers the in-window length (at least the beam diameter),
    # no gap between them, and no more spots than needed
    covered = max(p.nerve_length_in_window_mm, 2.0 * p.beam.radius_mm)
    assert p.spot_spacing_mm <= covered + 1e-9
    assert (p.spots - 1) * covered < request.treatment_length_mm
    gaps = [b - a for a, b in zip(p.spot_positions_mm, p.spot_positions_mm[1:], strict=False)]
    assert gaps == pytest.approx([p.spot_spacing_mm] * (p.spots - 1), rel=1e-12)
    assert sum(p.spot_positions_mm) == pytest.approx(0.0, abs=1e-9)
    assert p.sessions == request.sessions_per_week * request.weeks == 12


def test_plan_round_trips_through_json(plans: dict[str, Plan], tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = plans["forefoot-led-pad"]
    loaded = Plan.from_json(p.to_json())
    for name in Plan.model_fields:
        assert getattr(loaded, name) == getattr(p, name), name
    assert loaded == p
    assert loaded != plans["wrist-980"]
    path = tmp_path / "plan.json"
    p.save(path)
    assert Plan.load(path) == p
    with pytest.raises(ValueError, match="details"):
        _ = loaded.details


def test_sub_second_exposure_heating_is_resolved() -> None:
    """About 6 W on 2 mm (47 W/cm^2) for a fraction of a second, limit 39 C: short
    exposures are re-solved over their own time range, so a fine thermal solve at the
    chosen setting agrees with the planner (before that fix: 0.34 K hotter)."""
    p = plan(
        "dorsal-foot-deep-peroneal", HOT_PROBE, max_time_per_spot_s=5.0, min_power_fraction=0.5,
        temperature_limits={"insensate_max_C": 39.0, "sensate_max_C": 39.0},
        window={"lower_J_per_cm2": 1.0, "upper_J_per_cm2": 2.0},
    )  # fmt: skip
    assert p.time_per_spot_s < 1.0
    skin_C, _ = directly_solved_peaks_C(p)
    assert skin_C <= p.temperature_limit_C + 0.05


def test_the_api_default_is_the_insensate_limit() -> None:
    """A neuropathy tool plans to the insensate 41 C limit unless told the skin feels heat."""
    default = plan("medial-ankle-tibial", "808nm-laser-probe")
    assert default.temperature_limit_C == 41.0
    assert default.request.insensate
    assert set(default.defaulted_inputs) >= {"skin_type", "diabetic", "insensate_feet"}
    sensate = plan("medial-ankle-tibial", "808nm-laser-probe", Patient(insensate_feet=False))
    assert sensate.temperature_limit_C == 43.0


@pytest.mark.parametrize("key", list(CASES))
def test_the_hottest_point_lies_inside_the_tissue_stack(plans: dict[str, Plan], key: str) -> None:
    p = plans[key]
    site = p.request.site.for_patient(p.request.patient)
    assert 0.0 <= p.peak_tissue_depth_mm < site.thickness_mm
    assert 0.0 <= p.tissue_rise_depth_mm < site.thickness_mm
    assert p.details.response_depths_mm.max() < site.thickness_mm
    assert p.tissue_rise_K >= p.skin_rise_K - 1e-9 and p.skin_rise_K >= 0.0
    assert p.peak_skin_temperature_C == pytest.approx(
        max(p.skin_start_C + p.skin_rise_K, p.peak_skin_temperature_C), abs=0.3
    )


def test_a_margin_keeps_the_skin_below_the_limit_by_that_much() -> None:
    p = plan("wrist-median", HOT_PROBE, INSENSATE, temperature_margin_K=1.5)
    assert p.temperature_limit_C == 41.0 and p.planning_limit_C == 39.5
    assert p.peak_skin_temperature_C <= 39.5 + 0.01
    assert p.at_limit and any("sits at the skin temperature limit" in n for n in p.notes)


def test_a_measured_cool_skin_lowers_the_peak_by_the_difference_in_rest() -> None:
    """Linear Pennes: the rise does not depend on the resting temperature, so a measured
    29 C skin ends lower by the difference in resting skin temperature."""
    model = plan("medial-ankle-tibial", "808nm-laser-probe", INSENSATE)
    cool = plan("medial-ankle-tibial", "808nm-laser-probe", INSENSATE, skin_start_C=29.0)
    assert cool.skin_start_measured and cool.skin_start_C == 29.0
    assert model.skin_start_C > 29.0
    assert cool.power_W == model.power_W and cool.time_per_spot_s == model.time_per_spot_s
    assert cool.skin_rise_K == pytest.approx(model.skin_rise_K, rel=1e-9)
    assert cool.peak_skin_temperature_C < model.peak_skin_temperature_C


def test_the_skin_boundary_is_stated() -> None:
    from photodose.thermal.conditions import ContactProbe, ThermalConditions

    air = plan("medial-ankle-tibial", "808nm-laser-probe", INSENSATE)
    assert air.skin_boundary.startswith("bare skin in room air (22 °C")
    probe = ContactProbe(radius_mm=5.0, temperature_C=25.0, contact_conductance_W_per_m2_K=500.0)
    contact = plan("medial-ankle-tibial", "808nm-laser-probe", INSENSATE,
                   thermal=ThermalConditions(probe=probe))  # fmt: skip
    assert contact.skin_boundary.startswith("contact applicator")
    # a 25 C applicator draws heat from the skin: cooler than bare skin in air
    assert contact.peak_skin_temperature_C < air.peak_skin_temperature_C


def test_an_led_pads_peak_irradiance_is_the_device_models(plans: dict[str, Plan]) -> None:
    p = plans["forefoot-led-pad"]
    device = p.request.device
    assert p.peak_irradiance_mW_per_cm2 == pytest.approx(device.peak_irradiance_mW_per_cm2())
    assert p.mean_irradiance_mW_per_cm2 == pytest.approx(device.mean_irradiance_mW_per_cm2())
    pattern = p.led_pattern
    assert pattern is not None and pattern.emitters == 60
    assert pattern.under_irradiance_mW_per_cm2 == pytest.approx(p.peak_irradiance_mW_per_cm2)
    assert pattern.between_irradiance_mW_per_cm2 < pattern.under_irradiance_mW_per_cm2
    # at 7.5 mm the diodes' fields have merged: under and between differ by < 20 %, and the
    # pad-average dose the search used lies between them within 10 %
    under, between = pattern.under_nerve_fluence_J_per_cm2, pattern.between_nerve_fluence_J_per_cm2
    assert abs(under - between) < 0.2 * max(under, between)
    assert min(under, between) * 0.9 < p.nerve_fluence_J_per_cm2 < max(under, between) * 1.1
    assert pattern.under_skin_C >= pattern.between_skin_C
    assert pattern.under_skin_C > p.skin_start_C
