"""Check a plan made on the fast path with Monte Carlo: same site, beam, spectrum, grid."""

from __future__ import annotations

from dataclasses import dataclass

from photodose.dose.nerve_dose import NerveDose, dose_at_nerve
from photodose.planning.light import light_field
from photodose.planning.plan import Plan


@dataclass(frozen=True)
class Verification:
    photons: int
    seed: int
    fast_fluence_J_per_cm2: float
    monte_carlo_fluence_J_per_cm2: float
    monte_carlo_se_J_per_cm2: float | None
    monte_carlo_min_J_per_cm2: float
    window_position: str
    dose: NerveDose

    @property
    def relative_error(self) -> float:
        """(fast - Monte Carlo) / Monte Carlo at the nerve."""
        return self.fast_fluence_J_per_cm2 / self.monte_carlo_fluence_J_per_cm2 - 1.0

    @property
    def in_window(self) -> bool:
        return self.window_position == "inside"


def verify_plan(plan: Plan, photons: int = 200_000, seed: int = 1) -> Verification:
    """Re-compute the plan's nerve dose by Monte Carlo at its power and time."""
    request = plan.request
    site = plan.site  # adapted to the patient when the plan was made
    light = light_field(site, request.device, request.patient.skin_type,
                        method="monte_carlo", photons=photons, seed=seed)  # fmt: skip
    dose = dose_at_nerve(
        light, plan.power_W, plan.time_per_spot_s, plan.beam,
        site.nerve.depth_mm, site.nerve.diameter_mm, window=request.window,
    )  # fmt: skip
    return Verification(
        photons=photons,
        seed=seed,
        fast_fluence_J_per_cm2=plan.nerve_fluence_J_per_cm2,
        monte_carlo_fluence_J_per_cm2=dose.target_fluence_J_per_cm2,
        monte_carlo_se_J_per_cm2=dose.target_fluence_se_J_per_cm2,
        monte_carlo_min_J_per_cm2=dose.target_fluence_min_J_per_cm2,
        window_position=dose.window_class.position,
        dose=dose,
    )
