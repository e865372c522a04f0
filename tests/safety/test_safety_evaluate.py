"""evaluate() runs every applicable check; binding_limit() names the constraining one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from photodose.safety import (
    PulseTrain,
    SafetyCheck,
    ScreeningInput,
    binding_limit,
    evaluate,
)


def test_full_evaluation_is_ordered_and_temperature_binds_over_mpe() -> None:
    checks = evaluate(
        wavelength_nm=810.0,
        irradiance_mW_per_cm2=3000.0,  # 9 x the skin MPE: a warning only
        exposure_s=60.0,
        peak_skin_C=40.5,
        damage_integral=0.01,
        cem43_min=0.5,
        cem43_limit_min=2.0,
        screening=ScreeningInput(tattoo_in_field=True, open_wound_in_field=True),
    )
    names = [c.name for c in checks]
    assert {
        "skin MPE (laser)",
        "peak skin temperature (insensate)",
        "thermal damage (Arrhenius)",
        "thermal dose (CEM43)",
    } <= set(names)
    ranks = [{"block": 0, "warn": 1, "info": 2}[c.severity] for c in checks]
    assert ranks == sorted(ranks)
    binding = binding_limit(checks)
    assert binding is not None and binding.name == "peak skin temperature (insensate)"
    assert binding.margin == pytest.approx(40.5 / 41.0)


def test_binding_limit_is_the_exceeded_block_limit() -> None:
    checks = evaluate(peak_skin_C=41.2, damage_integral=0.9, insensate=True)
    binding = binding_limit(checks)
    assert binding is not None and binding.name.startswith("peak skin temperature")
    assert not binding.passed


def test_binding_limit_ignores_advisories_and_handles_empty() -> None:
    assert binding_limit([]) is None
    advisories = evaluate(screening=ScreeningInput(eyes_in_field=True))
    assert advisories[0].severity == "block" and not advisories[0].passed
    assert binding_limit(advisories) is None
    only_warn = evaluate(wavelength_nm=850.0, irradiance_mW_per_cm2=200.0, exposure_s=30.0)
    assert binding_limit(only_warn) is only_warn[0]


def test_screening_insensate_forces_the_stricter_limit() -> None:
    checks = evaluate(
        peak_skin_C=42.0, insensate=False, screening=ScreeningInput(insensate_skin=True)
    )
    temperature = next(c for c in checks if c.name.startswith("peak skin temperature"))
    assert temperature.limit == 41.0 and not temperature.passed


def test_lamp_source_uses_iec_62471() -> None:
    checks = evaluate(
        wavelength_nm=890.0, irradiance_mW_per_cm2=30.0, exposure_s=1800.0, source_type="lamp"
    )
    assert [(c.name, c.status) for c in checks] == [
        ("skin thermal hazard (lamp/LED)", "not applicable")
    ]
    with pytest.raises(ValueError, match="pulse"):
        evaluate(
            wavelength_nm=890.0,
            irradiance_mW_per_cm2=30.0,
            exposure_s=1.0,
            source_type="lamp",
            pulse=PulseTrain(pulse_duration_s=1e-3, repetition_rate_Hz=292.0),
        )


def test_partial_inputs_are_errors() -> None:
    with pytest.raises(ValueError, match="irradiance_mW_per_cm2, exposure_s = None"):
        evaluate(wavelength_nm=810.0)
    with pytest.raises(ValueError, match="cem43_limit_min = None"):
        evaluate(cem43_min=1.0)


def test_safety_check_margin_must_be_the_ratio() -> None:
    with pytest.raises(ValidationError, match="margin"):
        SafetyCheck(
            name="x",
            quantity="y",
            value=2.0,
            limit=1.0,
            unit="",
            passed=False,
            severity="block",
            margin=1.0,
            source="s",
        )


def test_summary_lines() -> None:
    mpe = evaluate(wavelength_nm=1064.0, irradiance_mW_per_cm2=2000.0, exposure_s=100.0)[0]
    assert mpe.summary() == (
        "skin MPE (laser): 2000 mW/cm^2 vs limit 1000 mW/cm^2 (ratio 2) EXCEEDED [warn]"
    )
    advisory = evaluate(screening=ScreeningInput(eyes_in_field=True))[0]
    assert advisory.summary().startswith("contraindication: eyes in the field [contraindication]: ")
