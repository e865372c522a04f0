"""IEC 62471:2006 s. 4.3.8 skin thermal hazard (380-3000 nm, t < 10 s):
H = 20 000 t^0.25 J/m^2 = 2.0 t^0.25 J/cm^2."""

from __future__ import annotations

import pytest

from photodose.safety import lamp_skin_thermal_check, lamp_skin_thermal_limit_J_per_cm2


@pytest.mark.parametrize(
    ("t", "expected"), [(1.0, 2.0), (10.0, 3.5566), (0.01, 0.63246), (0.1, 1.12468)]
)
def test_limit_values(t: float, expected: float) -> None:
    """2.0 t^0.25 J/cm^2: 2.0 J/cm^2 at 1 s (20 000 J/m^2), 3.557 J/cm^2 at 10 s."""
    assert lamp_skin_thermal_limit_J_per_cm2(t) == pytest.approx(expected, rel=1e-4)


def test_limit_undefined_beyond_10_s() -> None:
    with pytest.raises(ValueError, match=r"exposure_s = 11: .* 0 to 10 s"):
        lamp_skin_thermal_limit_J_per_cm2(11.0)
    with pytest.raises(ValueError, match="exposure_s = 0"):
        lamp_skin_thermal_limit_J_per_cm2(0.0)


def test_short_exposure_check() -> None:
    ok = lamp_skin_thermal_check(850.0, 300.0, 5.0, insensate=True)
    assert ok.passed and ok.kind == "limit" and ok.unit == "J/cm^2"
    assert ok.value == pytest.approx(1.5, rel=1e-12)
    assert ok.limit == pytest.approx(2.0 * 5.0**0.25, rel=1e-12)
    hot = lamp_skin_thermal_check(850.0, 1000.0, 5.0, insensate=False)
    assert not hot.passed and hot.severity == "warn"
    assert "62471" in hot.source


def test_long_exposure_defers_to_temperature_and_flags_insensate_skin() -> None:
    insensate = lamp_skin_thermal_check(890.0, 20.0, 1800.0, insensate=True)
    sensate = lamp_skin_thermal_check(890.0, 20.0, 1800.0, insensate=False)
    for check in (insensate, sensate):
        # a limit that does not apply never reads as failed
        assert check.kind == "not_applicable" and check.passed
        assert check.status == "not applicable" and not check.is_concern
        assert check.limit == 10.0 and check.value == 1800.0
        assert "temperature limits" in check.note
    assert insensate.severity == "warn" and "Insensate" in insensate.note
    assert sensate.severity == "info"


@pytest.mark.parametrize("wavelength_nm", [350.0, 3100.0])
def test_wavelength_outside_band_is_rejected(wavelength_nm: float) -> None:
    with pytest.raises(ValueError, match=rf"wavelength_nm = {wavelength_nm:g}: .*380 to 3000 nm"):
        lamp_skin_thermal_check(wavelength_nm, 10.0, 1.0, insensate=True)


def test_statuses_of_limits_and_findings() -> None:
    from photodose.safety import ScreeningInput, evaluate

    checks = evaluate(
        peak_skin_C=42.0, insensate=True,
        screening=ScreeningInput(insensate_skin=True, malignancy_in_or_near_field=True),
    )  # fmt: skip
    status = {c.name: c.status for c in checks}
    assert status["peak skin temperature (insensate)"] == "exceeded"
    assert status["contraindication: insensate skin"] == "precaution"
    assert status["contraindication: malignancy in or near the field"] == "contraindication"
    assert all(c.is_concern for c in checks)
