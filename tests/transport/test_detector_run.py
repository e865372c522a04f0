"""The Monte Carlo aimed at a nerve (transport/detector_run.py): the weight window and
the perturbation reweighting change the cost of the nerve dose, not its expectation.

References are independent runs of the same physics: the plain layered kernel (itself
checked against MCML and adding-doubling, test_references.py), runs without the window,
and direct runs at the second wavelength. Tolerances are 3.5 combined standard errors
(photon-to-photon spread; a correct engine fails one with probability about 5e-4).
"""

from __future__ import annotations

import numpy as np

import photodose as pd
from photodose.dose.nerve import cross_section_fluence_rate
from photodose.dose.nerve_weights import nerve_weight_map
from photodose.planning.light import transport_beam, verification_grid
from photodose.specs import Beam, Simulation
from photodose.transport import finish
from photodose.transport.detector_run import (
    MAX_LOG_RATIO_SD,
    effective_attenuation_per_mm,
    reduce_detector,
    run_detector,
    window_map,
)
from photodose.transport.layered import run_tallies

K = 3.5


def _heel_probe(photons: int, seed: int, wavelength_nm: float = 904.0):
    """The slowest pair of the old check: a 3 mm Gaussian spot over a nerve 12 mm deep."""
    site = pd.plan("plantar-heel", "904nm-pulsed-laser").site
    beam = transport_beam(pd.plan("plantar-heel", "904nm-pulsed-laser").request.device)
    grid = verification_grid(site, beam)
    simulation = Simulation(stack=site.stack(wavelength_nm, skin_type=2), beam=Beam(),
                            grid=grid, photons=photons, seed=seed, batches=4,
                            wavelength_nm=wavelength_nm)  # fmt: skip
    detector = nerve_weight_map(grid, beam, site.nerve.depth_mm, site.nerve.diameter_mm)
    return site, beam, simulation, detector


def _window(site, beam, simulation):
    nerve = site.nerve
    mu = effective_attenuation_per_mm(simulation.stack, nerve.depth_mm)
    return window_map(simulation, beam.radius_mm + nerve.radius_mm,
                      (nerve.depth_mm - nerve.radius_mm, nerve.depth_mm + nerve.radius_mm),
                      mu, 3.0)  # fmt: skip


def test_without_window_the_histories_are_the_layered_kernels() -> None:
    """Same streams, same physics: the plain kernel's tallies, to rounding."""
    site, beam, simulation, detector = _heel_probe(2_000, seed=7)
    aimed = reduce_detector(run_detector(simulation, detector, None, [], np.ones(1), 4))
    plain, _ = run_tallies(simulation, workers=1)
    for name in ("f_rz", "a_rz", "rd_ra", "tt_ra"):
        np.testing.assert_allclose(aimed.accumulator.sums[name], plain.sums[name],
                                   rtol=1e-12, atol=1e-15)  # fmt: skip
    assert np.array_equal(aimed.accumulator.counts, plain.counts)


def test_the_photon_score_is_the_dose_pipelines_nerve_value() -> None:
    """sum M f_rz / N equals the convolved dataset's cross-section mean (dose/nerve.py)."""
    site, beam, simulation, detector = _heel_probe(2_000, seed=8)
    aimed = reduce_detector(run_detector(simulation, detector, None, [], np.ones(1), 4))
    dataset = finish(simulation.model_copy(update={"beam": beam, "finite_beam": "convolve"}),
                     aimed.accumulator)  # fmt: skip
    expected = cross_section_fluence_rate(dataset, site.nerve.depth_mm,
                                          site.nerve.diameter_mm).mean_per_mm2  # fmt: skip
    assert abs(aimed.mean[0] / expected - 1.0) < 1e-10


def test_splitting_on_and_off_give_the_same_nerve_dose_within_errors() -> None:
    site, beam, simulation, detector = _heel_probe(20_000, seed=9)
    off = reduce_detector(run_detector(simulation, detector, None, [], np.ones(1), 8))
    window = _window(site, beam, simulation)
    assert window.min() < 0.05  # the window does split toward the nerve
    on = reduce_detector(run_detector(simulation.model_copy(update={"seed": 10}), detector,
                                      window, [], np.ones(1), 8))  # fmt: skip
    se = np.hypot(on.standard_error[0], off.standard_error[0])
    assert abs(on.mean[0] - off.mean[0]) <= K * se
    assert on.standard_error[0] / on.mean[0] < 0.6 * off.standard_error[0] / off.mean[0]
    # the absorbed fraction (every bin, far from the nerve too) keeps its expectation
    a_on, a_off = on.accumulator, off.accumulator
    se_a = np.hypot(a_on.standard_error("a"), a_off.standard_error("a"))
    assert abs(a_on.mean("a") - a_off.mean("a")) <= K * se_a


def test_a_reweighted_second_wavelength_equals_a_direct_run() -> None:
    """One run at 904 nm scores 892 nm by perturbation (mua and mus both change);
    a direct run at 892 nm, other seed, must agree within errors."""
    site, beam, simulation, detector = _heel_probe(12_000, seed=11)
    other = site.stack(892.0, skin_type=2)
    window = _window(site, beam, simulation)
    shared = reduce_detector(run_detector(simulation, detector, window, [other],
                                          np.array([0.5, 0.5]), 8))  # fmt: skip
    assert shared.log_ratio_sd[1] <= MAX_LOG_RATIO_SD  # the criterion accepts this step
    direct_sim = simulation.model_copy(update={"stack": other, "seed": 12, "wavelength_nm": 892.0})
    direct = reduce_detector(run_detector(direct_sim, detector, window, [], np.ones(1), 8))
    se = np.hypot(shared.standard_error[1], direct.standard_error[0])
    assert abs(shared.mean[1] - direct.mean[0]) <= K * se
    assert abs(shared.mean[1] / shared.mean[0] - 1.0) > 0.02  # a real change, resolved
    # the band row is the weighted sum of the wavelengths' scores
    assert np.isclose(shared.mean[2], 0.5 * shared.mean[0] + 0.5 * shared.mean[1])


def test_the_same_seed_gives_the_same_numbers_on_one_or_two_threads() -> None:
    site, beam, simulation, detector = _heel_probe(3_000, seed=13)
    window = _window(site, beam, simulation)
    other = [site.stack(892.0, skin_type=2)]
    one = reduce_detector(run_detector(simulation, detector, window, other,
                                       np.array([0.5, 0.5]), 6, workers=1))  # fmt: skip
    two = reduce_detector(run_detector(simulation, detector, window, other,
                                       np.array([0.5, 0.5]), 6, workers=2))  # fmt: skip
    assert one.mean.tobytes() == two.mean.tobytes()
    assert one.standard_error.tobytes() == two.standard_error.tobytes()
    assert one.accumulator.sums["f_rz"].tobytes() == two.accumulator.sums["f_rz"].tobytes()
