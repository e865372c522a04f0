"""Laser skin MPE against the published table (ANSI Z136.1 / IEC 60825-1 / Directive
2006/25/EC Annex II Table 2.4) and its correction factor C_A (Table 2.5)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from photodose.safety import (
    PulseTrain,
    aperture_averaged_irradiance_mW_per_cm2,
    correction_factor_ca,
    skin_mpe_check,
    skin_mpe_irradiance_W_per_cm2,
    skin_mpe_radiant_exposure_J_per_cm2,
)
from photodose.specs import Beam


def test_ca_at_table_borders() -> None:
    """C_A = 1 at and below 700 nm; 5 from 1050 nm (the formula's 10^0.7 = 5.012 yields to
    the more restrictive 5 on the border, Directive Table 2.4 note a)."""
    assert correction_factor_ca(400.0) == 1.0
    assert correction_factor_ca(700.0) == 1.0
    assert correction_factor_ca(1050.0) == 5.0
    assert correction_factor_ca(1400.0) == 5.0
    assert correction_factor_ca(1049.999) == pytest.approx(10 ** (0.002 * 349.999), rel=1e-12)


def test_ca_785_nm_matches_ansi_reproduction() -> None:
    """safety.md: 785 nm gives C_A = 1.4791 in the reproduced ANSI table."""
    assert correction_factor_ca(785.0) == pytest.approx(1.4791, abs=1e-4)


def test_long_exposure_785_nm_is_0_2958_W_per_cm2() -> None:
    """ANSI Z136.1 skin-MPE table reproduction (Endress+Hauser manual): 0.2958 W/cm^2."""
    for t in (10.5, 100.0, 600.0, 3.0e4):
        assert skin_mpe_irradiance_W_per_cm2(785.0, t) == pytest.approx(0.2958, abs=5e-5)


def test_long_exposure_1064_nm_is_1_W_per_cm2() -> None:
    """0.2 C_A W/cm^2 with C_A = 5 beyond 1050 nm."""
    assert skin_mpe_irradiance_W_per_cm2(1064.0, 600.0) == pytest.approx(1.0, rel=1e-12)
    assert skin_mpe_radiant_exposure_J_per_cm2(1064.0, 600.0) == pytest.approx(600.0, rel=1e-12)


@pytest.mark.parametrize(
    ("wavelength_nm", "expected_W_per_cm2"),
    [(808.0, 0.329), (850.0, 0.399), (904.0, 0.51), (980.0, 0.727), (650.0, 0.2)],
)
def test_long_exposure_values_listed_in_domain_notes(
    wavelength_nm: float, expected_W_per_cm2: float
) -> None:
    """Values computed in shared/domain/safety.md from 0.2 C_A W/cm^2 (3 digits)."""
    got = skin_mpe_irradiance_W_per_cm2(wavelength_nm, 100.0)
    assert got == pytest.approx(expected_W_per_cm2, rel=5e-3)


def test_short_exposure_form_is_constant_radiant_exposure() -> None:
    """1e-9 to 1e-7 s: H = 2e-2 C_A J/cm^2 (200 C_A J/m^2), independent of t."""
    ca = 10 ** (0.002 * (808.0 - 700.0))
    for t in (1e-9, 1e-8, 9.9e-8):
        assert skin_mpe_radiant_exposure_J_per_cm2(808.0, t) == pytest.approx(0.02 * ca, rel=1e-12)
    assert skin_mpe_radiant_exposure_J_per_cm2(600.0, 5e-9) == pytest.approx(0.02, rel=1e-12)


def test_transient_form() -> None:
    """1e-7 to 10 s: H = 1.1 C_A t^0.25 J/cm^2 (1.1e4 C_A t^0.25 J/m^2)."""
    assert skin_mpe_radiant_exposure_J_per_cm2(1064.0, 1.0) == pytest.approx(5.5, rel=1e-12)
    assert skin_mpe_radiant_exposure_J_per_cm2(632.8, 0.01) == pytest.approx(
        1.1 * 0.01**0.25, rel=1e-12
    )


@pytest.mark.parametrize("border_s", [1e-7, 10.0])
@pytest.mark.parametrize("wavelength_nm", [500.0, 785.0, 1064.0])
def test_regime_borders_are_continuous_within_the_standards_2_percent(
    border_s: float, wavelength_nm: float
) -> None:
    """The rows meet within 2.2 % (0.02 vs 1.1 x 1e-7^0.25 = 0.01956; 2 vs 1.1 x 10^0.25 =
    1.956); on the border itself the more restrictive row applies."""
    below = skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, border_s * (1 - 1e-9))
    at = skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, border_s)
    above = skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, border_s * (1 + 1e-9))
    assert abs(above - below) / below < 0.025
    assert at == pytest.approx(min(below, above), rel=1e-6)


def test_arrays_match_scalars() -> None:
    wavelengths = np.array([450.0, 810.0, 1100.0])
    times = np.array([1e-8, 2.0, 300.0])
    array = np.asarray(skin_mpe_irradiance_W_per_cm2(wavelengths, times))
    for i in range(3):
        assert array[i] == skin_mpe_irradiance_W_per_cm2(float(wavelengths[i]), float(times[i]))


@given(
    wavelength_nm=st.floats(400.0, 1400.0),
    t1=st.floats(1.01e-7, 9.9),
    t2=st.floats(1.01e-7, 9.9),
)
def test_within_transient_rows_dose_grows_and_irradiance_falls(
    wavelength_nm: float, t1: float, t2: float
) -> None:
    short, long = sorted((t1, t2))
    h_short = skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, short)
    h_long = skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, long)
    assert h_long >= h_short
    assert h_long / long <= h_short / short * (1 + 1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field", "shown"),
    [
        ({"wavelength_nm": 399.0, "exposure_s": 1.0}, "wavelength_nm", "399"),
        ({"wavelength_nm": 1500.0, "exposure_s": 1.0}, "wavelength_nm", "1500"),
        ({"wavelength_nm": math.nan, "exposure_s": 1.0}, "wavelength_nm", "nan"),
        ({"wavelength_nm": 800.0, "exposure_s": 1e-10}, "exposure_s", "1e-10"),
        ({"wavelength_nm": 800.0, "exposure_s": 4e4}, "exposure_s", "40000"),
    ],
)
def test_out_of_table_inputs_name_field_value_and_range(
    kwargs: dict[str, float], field: str, shown: str
) -> None:
    with pytest.raises(ValueError) as error:
        skin_mpe_irradiance_W_per_cm2(**kwargs)
    message = str(error.value)
    assert message.startswith(f"{field} = {shown}")
    assert (
        ("400 to 1400 nm" in message)
        if field == "wavelength_nm"
        else ("1e-09 to 30000 s" in message)
    )


def test_cw_check_reports_ratio_as_warning_with_source() -> None:
    limit_mW = 0.2 * 10 ** (0.002 * 110.0) * 1000.0  # 810 nm, long exposure
    low = skin_mpe_check(810.0, 100.0, 60.0)
    assert low.passed and low.severity == "warn"
    assert low.margin == pytest.approx(100.0 / limit_mW, rel=1e-12)
    high = skin_mpe_check(810.0, 3000.0, 60.0)
    assert not high.passed and high.severity == "warn"
    assert high.margin == pytest.approx(3000.0 / limit_mW, rel=1e-12)
    assert "not a treatment ceiling" in high.note
    assert "60825" in high.source and "Z136.1" in high.source
    assert high.unit == "mW/cm^2"


def test_cw_check_short_exposure_uses_transient_row() -> None:
    check = skin_mpe_check(1064.0, 1000.0, 1.0)  # 1 J/cm^2 in 1 s vs 5.5 J/cm^2
    assert check.limit == pytest.approx(5500.0, rel=1e-12)
    assert check.passed


def test_pulsed_single_pulse_rule_binds_at_low_rate() -> None:
    """905 nm, 50 ns pulses at 1 Hz carrying 0.1 J/cm^2 each: the single-pulse MPE
    0.02 C_A = 0.0514 J/cm^2 is exceeded (ratio 1.95) although the train is not."""
    train = PulseTrain(pulse_duration_s=50e-9, repetition_rate_Hz=1.0)
    check = skin_mpe_check(905.0, 100.0, 5.0, pulse=train)
    single_limit = 0.02 * 10 ** (0.002 * 205.0)
    assert check.limit == pytest.approx(single_limit, rel=1e-12)
    assert check.value == pytest.approx(0.1, rel=1e-12)
    assert check.margin == pytest.approx(0.1 / single_limit, rel=1e-12)
    assert not check.passed and "rule 1" in check.quantity


def test_pulsed_group_rule_matches_brute_force_over_all_groups() -> None:
    """Rule 2 over every group of consecutive pulses, computed directly, equals the
    check's worst ratio (the check evaluates only the candidate groups)."""
    rate, tau, wavelength, exposure, mean_mW = 3.0, 1e-3, 850.0, 25.0, 250.0
    train = PulseTrain(pulse_duration_s=tau, repetition_rate_Hz=rate)
    check = skin_mpe_check(wavelength, mean_mW, exposure, pulse=train)
    per_pulse = mean_mW / 1000.0 / rate
    n = math.ceil(exposure * rate)
    ratios = [
        (k + 1)
        * per_pulse
        / skin_mpe_radiant_exposure_J_per_cm2(wavelength, min(k / rate + tau, exposure))
        for k in range(n)
    ]
    assert check.margin == pytest.approx(max(ratios), rel=1e-12)


def test_fast_pulse_train_behaves_like_cw_at_same_mean_irradiance() -> None:
    """At 10 kHz the train's worst group is within the 2.2 % border step of the CW ratio,
    and never less conservative."""
    train = PulseTrain(pulse_duration_s=50e-6, repetition_rate_Hz=1.0e4)
    pulsed = skin_mpe_check(808.0, 500.0, 120.0, pulse=train)
    cw = skin_mpe_check(808.0, 500.0, 120.0)
    assert cw.margin <= pulsed.margin <= cw.margin * 1.03


def test_pulse_train_validation() -> None:
    with pytest.raises(ValidationError, match="pulse_duration_s"):
        PulseTrain(pulse_duration_s=2e-3, repetition_rate_Hz=1000.0)
    with pytest.raises(ValidationError, match="repetition_rate_Hz"):
        PulseTrain(pulse_duration_s=1e-6, repetition_rate_Hz=0.0)
    with pytest.raises(ValueError, match="pulse_duration_s = 2"):
        skin_mpe_check(
            808.0, 10.0, 1.0, pulse=PulseTrain(pulse_duration_s=2.0, repetition_rate_Hz=0.1)
        )


def test_aperture_averaging() -> None:
    """3.5 mm aperture (area pi 0.175^2 cm^2): a narrow beam's power spreads over it; a
    wide flat top keeps its own irradiance; a wide Gaussian gives its peak 2P/(pi w^2)."""
    aperture_cm2 = math.pi * 0.175**2
    pencil = aperture_averaged_irradiance_mW_per_cm2(0.1, Beam())
    assert pencil == pytest.approx(100.0 / aperture_cm2, rel=1e-12)
    flat = aperture_averaged_irradiance_mW_per_cm2(1.0, Beam(profile="flat_top", radius_mm=5.0))
    assert flat == pytest.approx(1000.0 / (math.pi * 0.5**2), rel=1e-12)
    wide = aperture_averaged_irradiance_mW_per_cm2(1.0, Beam(profile="gaussian", radius_mm=30.0))
    assert wide == pytest.approx(2 * 1000.0 / (math.pi * 3.0**2), rel=0.01)
    narrow = aperture_averaged_irradiance_mW_per_cm2(1.0, Beam(profile="gaussian", radius_mm=0.2))
    assert narrow == pytest.approx(1000.0 / aperture_cm2, rel=1e-9)
