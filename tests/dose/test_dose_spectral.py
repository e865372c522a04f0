"""Spectrum-weighted and CCO-weighted results, and the shipped CCO spectrum."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
import xarray as xr
from dose_fields import synthetic_result

from photodose.dose import dose_at_nerve
from photodose.dose.spectral import cco_spectrum, cco_weight, cco_weighted, spectrally_weighted
from photodose.specs import Beam

BEAM = Beam(profile="flat_top", radius_mm=5.0)


def field(scale: float):
    return lambda r, z: scale * np.exp(-0.2 * z - 0.1 * r)


def result(wavelength: float, scale: float = 1.0) -> xr.Dataset:
    return synthetic_result(field(scale), 0.5, 0.5, 20, 30, beam=BEAM, wavelength_nm=wavelength)


def test_weighting_identical_results_returns_the_result() -> None:
    base = result(850.0)
    copies = [base.assign_attrs(wavelength_nm=w) for w in (830.0, 850.0, 870.0)]
    combined = spectrally_weighted(copies, [0.25, 0.5, 0.25])
    for name in base.data_vars:
        np.testing.assert_allclose(combined[name].values, base[name].values, rtol=1e-12)
    assert combined.attrs["wavelengths_nm"] == [830.0, 850.0, 870.0]
    assert Beam.model_validate_json(combined.attrs["beam"]) == BEAM


def test_weighting_is_the_weighted_sum() -> None:
    """Two fields 1x and 3x with weights 0.75 / 0.25 give 1.5x; one Dataset with a
    wavelength_nm dimension is accepted as well as a list."""
    results = [result(800.0, 1.0), result(900.0, 3.0)]
    combined = spectrally_weighted(results, [0.75, 0.25], wavelengths_nm=[800.0, 900.0])
    expected = result(850.0, 1.5)["fluence_rate_rz_per_mm2"].values
    usable = (slice(0, -1), slice(0, -1))
    np.testing.assert_allclose(
        combined["fluence_rate_rz_per_mm2"].values[usable], expected[usable], rtol=1e-12
    )
    stacked = xr.concat(
        [ds.drop_attrs() for ds in results],
        dim=xr.Variable("wavelength_nm", [800.0, 900.0]),
    )
    again = spectrally_weighted(stacked, [0.75, 0.25])
    np.testing.assert_allclose(
        again["fluence_rate_rz_per_mm2"].values, combined["fluence_rate_rz_per_mm2"].values
    )


@pytest.mark.parametrize(
    ("weights", "wavelengths", "fragment"),
    [
        ([0.5, 0.6], None, "sum to 1"),
        ([1.2, -0.2], None, ">= 0"),
        ([1.0], None, "1 values for 2 wavelengths"),
        ([0.5, 0.5], [800.0, 905.0], "do not match"),
    ],
)
def test_bad_weights_and_wavelengths_are_named(weights, wavelengths, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        spectrally_weighted([result(800.0), result(900.0)], weights, wavelengths_nm=wavelengths)


def test_results_on_different_grids_or_beams_are_refused() -> None:
    other_grid = synthetic_result(field(1.0), 0.25, 0.5, 20, 30, beam=BEAM, wavelength_nm=900.0)
    with pytest.raises(ValueError, match="r_mm"):
        spectrally_weighted([result(800.0), other_grid], [0.5, 0.5])
    other_beam = synthetic_result(
        field(1.0), 0.5, 0.5, 20, 30, beam=Beam(profile="gaussian", radius_mm=5.0),
        wavelength_nm=900.0,
    )  # fmt: skip
    with pytest.raises(ValueError, match="different beams"):
        spectrally_weighted([result(800.0), other_beam], [0.5, 0.5])
    unlabelled = synthetic_result(field(1.0), 0.5, 0.5, 20, 30)
    with pytest.raises(ValueError, match="no wavelength_nm"):
        spectrally_weighted([unlabelled], [1.0])


def test_cco_weights_peak_at_one() -> None:
    wavelengths, weights = cco_spectrum()
    assert (wavelengths[0], wavelengths[-1]) == (650.0, 950.0)
    assert weights.max() == pytest.approx(1.0, abs=1e-6)
    assert cco_weight(np.arange(650.0, 950.5, 0.5)).max() == pytest.approx(1.0, abs=1e-6)
    nir = (wavelengths >= 780) & (wavelengths <= 950)
    assert wavelengths[nir][np.argmax(weights[nir])] == 822.0


def test_cco_table_reproduces_the_homer_aa3_values() -> None:
    """Independent values read from vLambdaAA3 in the Homer toolbox's GetExtinctions.m
    (github BUNPC/ninjaGUI): 650 nm 1.1361272, 822 nm 0.54115011, 850 nm 0.52776619,
    950 nm 0.26555173; relative to 650 nm. The shipped file came via a 4-decimal copy."""
    source = {650.0: 1.1361272, 822.0: 0.54115011, 850.0: 0.52776619, 950.0: 0.26555173}
    for wavelength, value in source.items():
        assert cco_weight(wavelength)[0] == pytest.approx(value / source[650.0], abs=1e-4)


def test_cco_data_file_states_what_it_is() -> None:
    text = resources.files("photodose.dose").joinpath("data", "cco_action_spectrum.csv")
    header = " ".join(line for line in text.read_text().splitlines() if line.startswith("#"))
    for phrase in ("RELATIVE", "NOT an action spectrum", "Source:", "Units:", "Karu"):
        assert phrase in header


def test_cco_weight_outside_the_table_is_an_error() -> None:
    with pytest.raises(ValueError, match="650-950 nm"):
        cco_weight([630.0, 850.0])


def test_cco_weighted_scales_each_wavelength() -> None:
    base = result(850.0)
    weighted = cco_weighted([base], [1.0])
    np.testing.assert_allclose(
        weighted["fluence_rate_rz_per_mm2"].values,
        base["fluence_rate_rz_per_mm2"].values * cco_weight(850.0)[0],
        rtol=1e-12,
    )
    assert weighted.attrs["cco_uncovered_weight"] == 0.0


def test_cco_weighted_counts_uncovered_emission_as_zero_up_to_a_limit() -> None:
    inside, outside = result(940.0), result(960.0)
    small = cco_weighted([inside, outside], [0.98, 0.02])
    np.testing.assert_allclose(
        small["fluence_rate_rz_per_mm2"].values,
        inside["fluence_rate_rz_per_mm2"].values * 0.98 * cco_weight(940.0)[0],
        rtol=1e-12,
    )
    assert small.attrs["cco_uncovered_weight"] == pytest.approx(0.02)
    with pytest.raises(ValueError, match="outside the CCO spectrum"):
        cco_weighted([inside, outside], [0.5, 0.5])


def test_a_stack_of_wavelengths_must_be_combined_before_dose() -> None:
    stacked = xr.concat(
        [result(800.0).drop_attrs(), result(900.0).drop_attrs()],
        dim=xr.Variable("wavelength_nm", [800.0, 900.0]),
    )
    with pytest.raises(ValueError, match="spectrally_weighted"):
        dose_at_nerve(stacked, 1.0, 10.0, BEAM, 3.0, 2.0)
    combined = spectrally_weighted(stacked, [0.5, 0.5])
    assert dose_at_nerve(combined, 1.0, 10.0, BEAM, 3.0, 2.0).wavelength_nm is None
