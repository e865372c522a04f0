"""Uncertainty of the nerve fluence: seeded, shrinking with measurement, and its 90 %
interval covering Monte Carlo values of independently sampled cases at the stated rate."""

from __future__ import annotations

import numpy as np
import pytest

import photodose as pd
from photodose.planning.uncertainty import (
    Unknowns,
    case_simulation,
    fast_nerve_rate_per_mm2,
    nerve_uncertainty,
    nominal_case,
    sample_cases,
)
from photodose.planning.verify import nerve_monte_carlo

SITE, DEVICE = "wrist-median", "808nm-laser-probe"


def test_the_interval_is_reproducible_and_holds_the_nominal_value() -> None:
    site, device = pd.load_site(SITE), pd.load_device(DEVICE)
    first = nerve_uncertainty(site, device, pd.Patient(), 5.0, samples=60, seed=4)
    again = nerve_uncertainty(site, device, pd.Patient(), 5.0, samples=60, seed=4)
    other = nerve_uncertainty(site, device, pd.Patient(), 5.0, samples=60, seed=5)
    assert first == again and first != other
    assert first.low_J_per_cm2 < first.median_J_per_cm2 < first.high_J_per_cm2
    assert first.low_J_per_cm2 < 5.0 < first.high_J_per_cm2
    assert first.dominant_input == first.shares[0].name
    assert sum(s.share for s in first.shares) == pytest.approx(1.0)
    assert "NOT the fast path" in first.note


@pytest.mark.parametrize("site_name", ["wrist-median", "lateral-leg-superficial-peroneal"])
def test_a_measured_depth_shrinks_the_interval(site_name: str) -> None:
    site, device = pd.load_site(site_name), pd.load_device(DEVICE)
    typical = nerve_uncertainty(site, device, pd.Patient(), 5.0, samples=80, seed=2)
    at_depth = Unknowns(depth_measured_mm=site.nerve.depth_mm)
    measured = nerve_uncertainty(site, device, pd.Patient(), 5.0, samples=80, seed=2,
                                 unknowns=at_depth)  # fmt: skip
    assert typical.dominant_input == "nerve depth"
    assert measured.factor < 0.75 * typical.factor


def test_an_unknown_skin_type_widens_the_interval_for_red_light() -> None:
    site, device = pd.load_site(SITE), pd.load_device("660nm-red-led-array")
    known = nerve_uncertainty(site, device, pd.Patient(), 1.0, samples=60, seed=3)
    unknown = nerve_uncertainty(site, device, pd.Patient(), 1.0, samples=60, seed=3,
                                unknowns=Unknowns(skin_type_known=False))  # fmt: skip
    assert unknown.factor > known.factor
    assert "skin type" in {s.name for s in unknown.shares}


def test_the_interval_covers_monte_carlo_values_of_new_cases_at_its_rate() -> None:
    """20 cases drawn independently (another seed) from the same unknowns, each solved
    by Monte Carlo (convolved pencil beam, a few per cent standard error): at a 90 %
    interval, 18 are expected inside; fewer than 15 has probability 1.1 % (binomial)."""
    site, device, patient = pd.load_site(SITE), pd.load_device(DEVICE), pd.Patient()
    interval = nerve_uncertainty(site, device, patient, 1.0, samples=200, seed=1)
    # the interval is for a nominal fluence of 1: rates relative to the plan's own case
    reference = fast_nerve_rate_per_mm2(nominal_case(site, patient), device, 808.0)
    inside = 0
    for case in sample_cases(site, patient, 20, seed=99):
        simulation = case_simulation(case, device, 808.0, seed=7, finite_beam="convolve")
        run = nerve_monte_carlo(simulation, case.site.nerve.depth_mm,
                                case.site.nerve.diameter_mm, fixed_photons=3_000)  # fmt: skip
        inside += interval.low_J_per_cm2 <= run.rate_per_mm2 / reference <= interval.high_J_per_cm2
    assert inside >= 15


def test_plans_carry_the_interval_by_default() -> None:
    """Every plan carries its 90 % interval unless asked not to (uncertainty_samples=0),
    from the API as from the command line."""
    default = pd.plan(SITE, DEVICE)
    assert default.nerve_uncertainty is not None and default.nerve_uncertainty.samples == 128
    plain = pd.plan(SITE, DEVICE, uncertainty_samples=0)
    assert plain.nerve_uncertainty is None
    with_interval = pd.plan(SITE, DEVICE, uncertainty_samples=40)
    u = with_interval.nerve_uncertainty
    assert u is not None and u.samples == 40
    assert u.nominal_J_per_cm2 == with_interval.nerve_fluence_J_per_cm2
    measured = pd.plan(SITE, DEVICE, nerve_depth_measured_mm=7.0, uncertainty_samples=40)
    assert measured.nerve_depth_mm == 7.0 and measured.nerve_uncertainty.depth_measured
    assert np.isfinite(measured.nerve_uncertainty.factor)


def test_the_ranges_read_as_tissues_and_factors_not_code_names() -> None:
    """The report prints each input's range: tissues by name (a callus as 'callus'),
    factors as numbers, no preset or constant identifiers."""
    site, device = pd.load_site("plantar-forefoot"), pd.load_device("890nm-led-pad")
    interval = nerve_uncertainty(site, device, pd.Patient(callus_mm=1.0), 1.0, samples=40,
                                 seed=1)  # fmt: skip
    texts = {s.name: s.range_text for s in interval.shares}
    assert "callus x0.035-x2" in texts["absorption"]
    for text in texts.values():
        assert "_" not in text and "RANGE" not in text, text
