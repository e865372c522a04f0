"""Checking a protocol as given: the same numbers a plan gives at that power and time."""

from __future__ import annotations

import pytest
from planning_cases import HOT_PROBE

import photodose as pd
from photodose.errors import BadInputError
from photodose.planning import check
from photodose.tissue.patient import Patient

NUMBERS = (
    "surface_dose_J_per_cm2",
    "energy_per_spot_J",
    "nerve_fluence_J_per_cm2",
    "nerve_fluence_min_J_per_cm2",
    "peak_irradiance_mW_per_cm2",
    "nerve_depth_mm",
)


@pytest.mark.parametrize(
    ("site", "device"),
    [("wrist-median", "808nm-laser-probe"), ("medial-ankle-tibial", "980nm-laser-200mW")],
)
def test_check_equals_the_plan_at_its_power_and_time(site: str, device: str) -> None:
    planned = pd.plan(site, device, Patient())
    checked = check(site, device, Patient(), power_W=planned.power_W,
                    time_s=planned.time_per_spot_s, spots=planned.spots)  # fmt: skip
    assert checked.kind == "check" and planned.kind == "plan"
    for name in NUMBERS:
        assert getattr(checked, name) == pytest.approx(getattr(planned, name), rel=1e-9), name
    # the thermal solution is re-run over the check's own time range: equal within the
    # interpolation between thermal steps
    for name in ("peak_skin_temperature_C", "peak_tissue_temperature_C"):
        assert getattr(checked, name) == pytest.approx(getattr(planned, name), abs=0.05), name
    assert [c.name for c in checked.checks] == [c.name for c in planned.checks]
    assert [c.passed for c in checked.checks] == [c.passed for c in planned.checks]
    assert checked.session_duration_s == pytest.approx(planned.session_duration_s)


def test_a_vendor_protocol_is_taken_as_given() -> None:
    """30 min on the forefoot with an LED pad: no search shortens it."""
    result = pd.check("plantar-forefoot", "890nm-led-pad", Patient(insensate_feet=True),
                      time_s=1800.0, sessions_per_week=3, weeks=4)  # fmt: skip
    assert result.time_per_spot_s == 1800.0
    assert result.power_W == pytest.approx(pd.load_device("890nm-led-pad").average_power_W)
    assert result.spots == 1 and result.sessions == 12
    # dose arithmetic: surface dose = mean irradiance x time for a flat-top pad
    assert result.surface_dose_J_per_cm2 == pytest.approx(
        result.peak_irradiance_mW_per_cm2 * 1800.0 / 1000.0, rel=1e-9
    )
    assert result.energy_per_spot_J == pytest.approx(result.power_W * 1800.0, rel=1e-9)
    assert result.binding  # names the limit it comes closest to


def test_dose_scales_with_time_and_a_hot_protocol_is_flagged() -> None:
    short = pd.check("wrist-median", "808nm-laser-probe", time_s=40.0)
    long = pd.check("wrist-median", "808nm-laser-probe", time_s=80.0)
    assert long.nerve_fluence_J_per_cm2 == pytest.approx(2 * short.nerve_fluence_J_per_cm2)
    assert long.peak_skin_temperature_C > short.peak_skin_temperature_C
    hot = pd.check("wrist-median", HOT_PROBE, time_s=60.0)
    assert not hot.feasible
    assert hot.binding.startswith(("blocked", "exceeded"))


@pytest.mark.parametrize(
    ("options", "field"),
    [({"power_W": 5.0}, "power_W"), ({"power_W": 0.0}, "power_W"),
     ({"time_s": -1.0}, "time_s"), ({"time_s": 1e5}, "time_s"), ({"spots": 0}, "spots")],
)  # fmt: skip
def test_bad_protocol_values_name_the_field(options: dict, field: str) -> None:
    arguments = {"time_s": 60.0} | options
    with pytest.raises(BadInputError, match=field):
        pd.check("wrist-median", "808nm-laser-probe", **arguments)
