"""Emission spectra: one laser line, or a Gaussian LED band sampled with weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from photodose.optics import EmissionSpectrum


def test_laser_is_a_single_line():
    wavelengths, weights = EmissionSpectrum(kind="laser", peak_nm=810.0).sample(step_nm=1.0)
    np.testing.assert_array_equal(wavelengths, [810.0])
    np.testing.assert_array_equal(weights, [1.0])


@settings(max_examples=50, deadline=None)
@given(
    peak=st.floats(450.0, 1100.0),
    fwhm=st.floats(1.0, 80.0),
    step=st.sampled_from([0.5, 1.0, 2.0, 5.0]),
)
def test_led_weights_sum_to_one_within_the_data_range(peak, fwhm, step):
    wavelengths, weights = EmissionSpectrum(kind="led", peak_nm=peak, fwhm_nm=fwhm).sample(step)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(weights > 0)
    assert wavelengths.min() >= 450.0 and wavelengths.max() <= 1100.0
    assert peak in wavelengths


def test_led_band_has_the_stated_width_and_centre():
    """A Gaussian's standard deviation is FWHM / (2 sqrt(2 ln 2)); sampled every 0.5 nm the
    weighted mean and SD must reproduce peak and width to 0.1 %."""
    led = EmissionSpectrum(kind="led", peak_nm=850.0, fwhm_nm=40.0)
    wavelengths, weights = led.sample(step_nm=0.5)
    mean = np.sum(weights * wavelengths)
    sd = math.sqrt(np.sum(weights * (wavelengths - mean) ** 2))
    assert mean == pytest.approx(850.0, abs=1e-9)
    assert sd * 2 * math.sqrt(2 * math.log(2)) == pytest.approx(40.0, rel=1e-3)
    # half maximum lies 20 nm either side of the peak
    peak_weight = weights[wavelengths == 850.0][0]
    assert weights[wavelengths == 870.0][0] / peak_weight == pytest.approx(0.5, rel=1e-9)


def test_led_near_the_edge_is_cut_to_the_data():
    wavelengths, weights = EmissionSpectrum(kind="led", peak_nm=1090.0, fwhm_nm=40.0).sample()
    assert wavelengths.max() == 1100.0
    assert weights.sum() == pytest.approx(1.0)
    assert np.sum(weights * wavelengths) < 1090.0


def test_invalid_spectra():
    with pytest.raises(ValidationError, match="a laser is treated as one line"):
        EmissionSpectrum(kind="laser", peak_nm=810.0, fwhm_nm=3.0)
    with pytest.raises(ValidationError, match="fwhm_nm = 0 for an LED"):
        EmissionSpectrum(kind="led", peak_nm=850.0)
    with pytest.raises(ValidationError, match="peak_nm"):
        EmissionSpectrum(kind="laser", peak_nm=1300.0)
    with pytest.raises(ValueError, match="step_nm = 0"):
        EmissionSpectrum(kind="led", peak_nm=850.0, fwhm_nm=30.0).sample(step_nm=0.0)
