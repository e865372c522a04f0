"""The README's ten-line example: plan, verify by Monte Carlo, run transport."""

import photodose as pd

patient = pd.Patient(skin_type=3, diabetic=True, insensate_feet=True)
# the fast path with its nerve-dose interval: about 2 s
plan = pd.plan("medial-ankle-tibial", "808nm-laser-probe", patient)
print(plan.power_W, plan.time_per_spot_s, plan.spots, plan.binding)
print(plan.nerve_fluence_J_per_cm2, plan.peak_skin_temperature_C)
check = pd.verify_plan(plan)                     # Monte Carlo re-check to 2 % SE, seconds
print(check.monte_carlo_fluence_J_per_cm2, check.relative_error, check.in_window)
stack = pd.load_site("wrist-median").stack(wavelength_nm=810, skin_type=3)
result = pd.simulate(pd.Simulation(stack=stack, beam=pd.Beam(profile="gaussian", radius_mm=3)))
print(result.fluence_rate_rz_per_mm2.isel(r_mm=0)[:5].values)  # W/mm^2 per W; _se too
