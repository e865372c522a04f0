"""Plans made on the fast path (diffusion), re-checked by Monte Carlo (verify_plan).

The fast path's stated error at nerve depths of 1-20 mm under finite beams is about -3 to
+10 % against Monte Carlo (docs/diffusion.md, measured on limb and wrist stacks with
10^6 photons). Here each plan's nerve fluence must agree with a Monte Carlo run of the
same site, beam and spectrum within that band widened by 3 Monte Carlo standard errors
(an upper bound of the error, photodose.dose), and the Monte Carlo dose must lie in the
window.
"""

from __future__ import annotations

import pytest

from photodose.planning import plan, verify_plan
from photodose.tissue.patient import Patient

FAST_PATH_LOW, FAST_PATH_HIGH = -0.03, 0.10


@pytest.mark.parametrize(
    ("site", "device", "patient"),
    [
        ("wrist-median", "980nm-laser-200mW", Patient()),
        ("medial-ankle-tibial", "808nm-laser-probe", Patient(diabetic=True, insensate_feet=True)),
        # skin type V, a wider beam (7.7 mm) pulsed at 10 Hz: modelled by its mean power
        ("lateral-leg-superficial-peroneal", "830nm-pulsed-laser-probe", Patient(skin_type=5)),
    ],
)
def test_plan_verified_by_monte_carlo(site: str, device: str, patient: Patient) -> None:
    p = plan(site, device, patient)
    assert p.feasible
    # the precise check adds photons until the batch standard error is 2 %
    check = verify_plan(p, seed=11)
    assert check.method == "precise" and check.photons >= 2_000  # the first round
    window = p.request.window
    assert window.lower_J_per_cm2 <= check.monte_carlo_fluence_J_per_cm2 <= window.upper_J_per_cm2
    assert check.in_window
    assert check.monte_carlo_se_J_per_cm2 is not None
    relative_se = check.monte_carlo_se_J_per_cm2 / check.monte_carlo_fluence_J_per_cm2
    assert relative_se <= 0.02  # enough photons for the comparison to mean something
    assert check.fast_fluence_J_per_cm2 == p.nerve_fluence_J_per_cm2
    assert FAST_PATH_LOW - 3 * relative_se <= check.relative_error
    assert check.relative_error <= FAST_PATH_HIGH + 3 * relative_se


def test_precise_and_sampled_checks_agree_within_their_errors() -> None:
    """The convolved pencil run at the peak wavelength (times the band factor) and the
    launch-sampled run over every quadrature wavelength estimate the same nerve dose."""
    p = plan("plantar-forefoot", "890nm-led-pad", Patient())
    precise = verify_plan(p, seed=5)
    sampled = verify_plan(p, photons=60_000, seed=5, method="sampled")
    assert 0.9 < precise.band_factor < 1.1  # a 40 nm LED band moves the dose a little
    se = (precise.monte_carlo_se_J_per_cm2**2 + sampled.monte_carlo_se_J_per_cm2**2) ** 0.5
    difference = precise.monte_carlo_fluence_J_per_cm2 - sampled.monte_carlo_fluence_J_per_cm2
    assert abs(difference) <= 3 * se
    assert precise.relative_se <= 0.02 < sampled.relative_se  # at a fraction of the photons
    assert precise.photons < sampled.photons * 3


def test_the_precise_check_is_reproducible_and_a_fixed_count_is_honoured() -> None:
    p = plan("wrist-median", "808nm-laser-probe", Patient())
    first = verify_plan(p, photons=4_000, seed=3)
    again = verify_plan(p, photons=4_000, seed=3, workers=1)
    assert first.photons == 4_000
    assert first.monte_carlo_fluence_J_per_cm2 == again.monte_carlo_fluence_J_per_cm2
    assert first.monte_carlo_se_J_per_cm2 == again.monte_carlo_se_J_per_cm2
