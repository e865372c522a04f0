"""Plans shared by the report tests: one feasible, one infeasible (a 1 mW probe on the
tibial nerve 11 mm deep cannot reach 1 J/cm^2 within 20 minutes)."""

from __future__ import annotations

import pytest

from photodose.devices import load_device
from photodose.planning import Plan, Verification, plan, verify_plan
from photodose.tissue import Patient

PATIENT = Patient(skin_type=3, diabetic=True, insensate_feet=True)


@pytest.fixture(scope="session")
def feasible_plan() -> Plan:
    return plan("medial-ankle-tibial", "808nm-laser-probe", PATIENT)


@pytest.fixture(scope="session")
def infeasible_plan() -> Plan:
    tiny = load_device("808nm-laser-probe").updated({"power_W": 0.001})
    return plan("medial-ankle-tibial", tiny, PATIENT)


@pytest.fixture(scope="session")
def verification(feasible_plan: Plan) -> Verification:
    # few photons: the section's layout is tested here, the physics in tests/planning
    return verify_plan(feasible_plan, photons=20_000, seed=3)
