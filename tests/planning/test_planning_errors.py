"""Bad requests fail early with messages that name the field and the value."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from photodose.errors import BadInputError
from photodose.planning import PlanRequest, plan
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient

SITE = "wrist-median"
DEVICE = "808nm-laser-probe"


def test_unknown_site_names_it_and_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"site = 'no-such-site': unknown site; known: .*wrist-median"
    ):
        plan("no-such-site", DEVICE)


def test_unknown_device_names_it_and_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"device = 'no-such-device': unknown device; known: .*808nm-laser-probe"
    ):
        plan(SITE, "no-such-device")


@pytest.mark.parametrize("aim", [0.5, 20.0])
def test_aim_outside_window(aim: float) -> None:
    with pytest.raises(
        ValidationError, match=rf"aim_J_per_cm2 = {aim}: must lie inside the window 1.0-10.0"
    ):
        plan(SITE, DEVICE, aim_J_per_cm2=aim)


def test_aim_outside_a_user_window() -> None:
    with pytest.raises(ValidationError, match=r"aim_J_per_cm2 = 3.0: .*window 4.0-8.0"):
        plan(
            SITE, DEVICE, aim_J_per_cm2=3.0, window={"lower_J_per_cm2": 4.0, "upper_J_per_cm2": 8.0}
        )


def test_window_bounds_out_of_order() -> None:
    with pytest.raises(
        ValidationError, match=r"lower_J_per_cm2 = 5.0 must be below upper_J_per_cm2 = 2.0"
    ):
        plan(SITE, DEVICE, window={"lower_J_per_cm2": 5.0, "upper_J_per_cm2": 2.0})


@pytest.mark.parametrize(
    ("fields", "field", "shown"),
    [
        ({"skin_type": 7}, "skin_type", "7"),
        ({"skin_type": 0}, "skin_type", "0"),
        ({"subcutaneous_fat_mm": -1.0}, "subcutaneous_fat_mm", "-1.0"),
        ({"callus_mm": 9.0}, "callus_mm", "9.0"),
    ],
)
def test_bad_patient_values(fields: dict[str, float], field: str, shown: str) -> None:
    with pytest.raises(ValidationError) as error:
        Patient(**fields)
    problem = error.value.errors()[0]
    assert problem["loc"] == (field,)
    assert problem["input"] == fields[field]
    assert shown in str(error.value) and field in str(error.value)
    assert "less than" in problem["msg"] or "greater than" in problem["msg"]


def test_patient_fat_outside_the_site_range_is_planned_with_a_warning() -> None:
    """A measurement outside the wrist's typical fat thickness is used and flagged."""
    low, high = load_site(SITE).layers[2].thickness_range_mm
    result = plan(SITE, DEVICE, Patient(subcutaneous_fat_mm=high + 10.0))
    assert any(
        f"{high + 10.0:.3g} mm is outside the typical range {low:g}-{high:g} mm" in warning
        for warning in result.input_warnings
    )


@pytest.mark.parametrize(
    ("site", "patient", "field"),
    [
        ("medial-ankle-tibial", {"callus_mm": 2.0}, "callus_mm"),
        ("medial-ankle-tibial", {"plantar_atrophy": True}, "plantar_atrophy"),
        ("plantar-forefoot", {"subcutaneous_fat_mm": 5.0}, "subcutaneous_fat_mm"),
    ],
)
def test_inputs_that_do_not_apply_are_refused(site: str, patient: dict, field: str) -> None:
    with pytest.raises(BadInputError, match=field):
        plan(site, DEVICE, Patient(**patient))


@pytest.mark.parametrize(
    ("option", "value", "needs"),
    [
        ("max_time_per_spot_s", 0.0, "greater than 0"),
        ("max_time_per_spot_s", 1.0e5, "less than or equal to 7200"),
        ("min_power_fraction", 1.5, "less than or equal to 1"),
        ("sessions_per_week", 0, "greater than or equal to 1"),
        ("treatment_length_mm", -3.0, "greater than 0"),
    ],
)
def test_bad_request_options(option: str, value: float, needs: str) -> None:
    with pytest.raises(ValidationError) as error:
        plan(SITE, DEVICE, **{option: value})
    problem = error.value.errors()[0]
    assert problem["loc"] == (option,)
    assert problem["input"] == value
    assert needs in problem["msg"]


def test_temperature_limit_above_the_hard_stop() -> None:
    with pytest.raises(ValidationError, match=r"sensate_max_C[\s\S]*less than or equal to 44"):
        plan(SITE, DEVICE, temperature_limits={"sensate_max_C": 50.0})


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"max_power_W[\s\S]*Extra inputs are not permitted"):
        plan(SITE, DEVICE, max_power_W=1.0)


def test_request_needs_site_and_device() -> None:
    with pytest.raises(ValidationError) as error:
        PlanRequest.model_validate({})
    missing = {problem["loc"][0] for problem in error.value.errors()}
    assert missing == {"site", "device"}
