"""The dose a session delivered, computed from what was delivered (power, time, spots),
never copied from the plan. The one place clinic/ calls the planning layer: today
`photodose.planning.check_request` (the planner with the power and time fixed, no search),
so the dose, the predicted temperatures and every safety check are the planner's own.

The nerve dose of a session is the mean fluence over the nerve's cross-section under one
spot: spots lie side by side along the nerve (their overlap is ignored, as in the plan), so
each stretch of nerve receives about one spot's dose per session.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from photodose.errors import BadInputError

if TYPE_CHECKING:  # the planner (numba, scipy, xarray) loads only when a dose is computed
    from photodose.planning import PlanRequest

NERVE_DOSE = "nerve_fluence_J_per_cm2"


@dataclass(frozen=True)
class DeliveredDose:
    """Dose quantities (name -> (value, unit)), the model that computed them, the safety
    checks (as dictionaries) and the names of the blocking checks that failed."""

    quantities: dict[str, tuple[float, str]]
    model: str
    checks: tuple[dict[str, Any], ...] = ()
    failed: tuple[str, ...] = field(default=())

    @property
    def nerve_fluence_J_per_cm2(self) -> float:
        return self.quantities[NERVE_DOSE][0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "quantities": {k: list(v) for k, v in self.quantities.items()},
            "model": self.model,
            "checks": list(self.checks),
            "failed": list(self.failed),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeliveredDose:
        return cls(
            quantities={k: (float(v[0]), str(v[1])) for k, v in data["quantities"].items()},
            model=data["model"],
            checks=tuple(data.get("checks", ())),
            failed=tuple(data.get("failed", ())),
        )


def delivered_dose(
    request: PlanRequest,
    *,
    power_W: float,
    time_per_spot_s: float,
    spots: int,
    skin_temperature_C: float | None = None,
) -> DeliveredDose:
    """The dose of a session as delivered, with the planner's safety checks. A measured
    skin temperature above the request's skin limit is a failed check too. The planner's
    check takes about a second; its result is kept for the same request, power, time and
    spots."""
    dose = _dose(request, power_W, time_per_spot_s, spots, skin_temperature_C, False)
    assert dose is not None
    return dose


def kept_delivered_dose(
    request: PlanRequest,
    *,
    power_W: float,
    time_per_spot_s: float,
    spots: int,
    skin_temperature_C: float | None = None,
) -> DeliveredDose | None:
    """`delivered_dose` if the planner's check for it is kept, else None without running
    it (for a caller that must not block: the web server's event loop)."""
    return _dose(request, power_W, time_per_spot_s, spots, skin_temperature_C, True)


def _dose(
    request: PlanRequest,
    power_W: float,
    time_per_spot_s: float,
    spots: int,
    skin_temperature_C: float | None,
    cached_only: bool,
) -> DeliveredDose | None:
    if not 1 <= spots <= 1000:
        raise BadInputError("spots", spots, "allowed 1 to 1000")
    if skin_temperature_C is not None and not 10.0 <= skin_temperature_C <= 60.0:
        raise BadInputError(
            "skin_temperature_C",
            skin_temperature_C,
            "allowed 10-60 C (a surface thermometer reading)",
        )
    rated = request.device.average_power_W
    if not 0.0 < power_W <= rated * (1.0 + 1e-9):
        raise BadInputError(
            "power_W", power_W, f"must be > 0 and at most the device's rated {rated:g} W average"
        )
    key = (_request_json(request), float(power_W), float(time_per_spot_s), int(spots))
    with _CHECKED_LOCK:
        dose = _CHECKED.get(key)
        if dose is not None:
            _CHECKED.move_to_end(key)
    if dose is None:
        if cached_only:
            return None
        dose = _checked(*key)
        with _CHECKED_LOCK:
            _CHECKED[key] = dose
            while len(_CHECKED) > CHECKED_KEPT:
                _CHECKED.popitem(last=False)
    if skin_temperature_C is None:
        return dose
    limits = request.temperature_limits
    limit = limits.insensate_max_C if request.insensate else limits.sensate_max_C
    passed = skin_temperature_C <= limit
    measured = {
        "name": "measured skin temperature",
        "value": skin_temperature_C,
        "limit": limit,
        "unit": "C",
        "passed": passed,
        "severity": "block",
    }
    failed = dose.failed if passed else (*dose.failed, "measured skin temperature")
    return DeliveredDose(dose.quantities, dose.model, (*dose.checks, measured), failed)


def _request_json(request: PlanRequest) -> str:
    # a request (a frozen spec) is often the same object session after session
    # (clinic/sessions.py): its JSON is kept with it, holding it so its id is not reused
    kept = _JSON.get(id(request))
    if kept is not None and kept[0] is request:
        return kept[1]
    text = request.model_dump_json()
    if len(_JSON) >= CHECKED_KEPT:
        _JSON.clear()
    _JSON[id(request)] = (request, text)
    return text


CHECKED_KEPT = 256
_JSON: dict[int, tuple[PlanRequest, str]] = {}
_CHECKED: OrderedDict[tuple[str, float, float, int], DeliveredDose] = OrderedDict()
_CHECKED_LOCK = threading.Lock()


def _checked(request_json: str, power_W: float, time_s: float, spots: int) -> DeliveredDose:
    from photodose.planning import PlanRequest, check_request

    request = PlanRequest.model_validate_json(request_json)
    plan = check_request(request, power_W=power_W, time_s=time_s, spots=spots)
    quantities = {
        NERVE_DOSE: (plan.nerve_fluence_J_per_cm2, "J/cm2"),
        "nerve_fluence_min_J_per_cm2": (plan.nerve_fluence_min_J_per_cm2, "J/cm2"),
        "nerve_fluence_rate_mW_per_cm2": (plan.nerve_fluence_rate_mW_per_cm2, "mW/cm2"),
        "surface_dose_J_per_cm2": (plan.surface_dose_J_per_cm2, "J/cm2"),
        "peak_irradiance_mW_per_cm2": (plan.peak_irradiance_mW_per_cm2, "mW/cm2"),
        "energy_per_spot_J": (plan.energy_per_spot_J, "J"),
        "session_energy_J": (plan.energy_per_spot_J * spots, "J"),
        "predicted_peak_skin_temperature_C": (plan.peak_skin_temperature_C, "C"),
        "predicted_peak_tissue_temperature_C": (plan.peak_tissue_temperature_C, "C"),
    }
    checks = tuple(
        c.model_dump(include={"name", "value", "limit", "unit", "passed", "severity"})
        for c in plan.checks
    )
    failed = tuple(c.name for c in plan.checks if c.severity == "block" and not c.passed)
    digest = hashlib.sha256(request_json.encode()).hexdigest()[:12]
    model = f"planning.check ({plan.method}); request sha256 {digest}"
    return DeliveredDose(quantities, model, checks, failed)
