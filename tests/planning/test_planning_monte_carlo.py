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
# a few seconds each; standard error (upper bound) of the nerve mean 3-4 %
PHOTONS = 300_000


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
    check = verify_plan(p, photons=PHOTONS, seed=11)
    assert check.photons == PHOTONS
    window = p.request.window
    assert window.lower_J_per_cm2 <= check.monte_carlo_fluence_J_per_cm2 <= window.upper_J_per_cm2
    assert check.in_window
    assert check.monte_carlo_se_J_per_cm2 is not None
    relative_se = check.monte_carlo_se_J_per_cm2 / check.monte_carlo_fluence_J_per_cm2
    assert relative_se < 0.05  # enough photons for the comparison to mean something
    assert check.fast_fluence_J_per_cm2 == p.nerve_fluence_J_per_cm2
    assert FAST_PATH_LOW - 3 * relative_se <= check.relative_error
    assert check.relative_error <= FAST_PATH_HIGH + 3 * relative_se
