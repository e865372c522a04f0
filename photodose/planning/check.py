"""Check a protocol as given: what a fixed power, time and spot count deliver.

The most common input a clinician has is a vendor's or a trial's protocol ("30 min per
pad", "60 mW for 10 min"). `check` evaluates it exactly as a plan is evaluated (the same
light field, heat model, dose and safety checks) but with no search: the power and time
are the user's. The result is a `Plan` with `kind == "check"`, so everything that shows
or stores a plan (report, JSON, clinic records) takes it as is.
"""

from __future__ import annotations

from typing import Any

from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.errors import BadInputError
from photodose.planning.model_dose import ProgressCallback
from photodose.planning.plan import FixedProtocol, Plan, plan_request
from photodose.planning.request import PlanRequest
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site

# Longest exposure per spot a check accepts, s (2 h: beyond any published session).
MAX_CHECK_TIME_S = 7200.0


def check(
    site: str | Site,
    device: str | Device,
    patient: Patient | None = None,
    *,
    power_W: float | None = None,
    time_s: float,
    spots: int | None = 1,
    **options: Any,
) -> Plan:
    """What the protocol delivers: `power_W` average power (default: the device's rated
    average power), `time_s` per spot, `spots` spots per session (None: as many as the
    treatment length needs). `options`: any PlanRequest field (sessions_per_week, weeks,
    window, screening, temperature_limits, thermal, treatment_length_mm)."""
    device_spec = load_device(device) if isinstance(device, str) else device
    site_spec = load_site(site) if isinstance(site, str) else site
    power = device_spec.average_power_W if power_W is None else power_W
    rated = device_spec.average_power_W
    _require("power_W", power, 0.0, rated * (1.0 + 1e-9),
             f"0 < power <= the device's rated average {rated:g} W")  # fmt: skip
    _require("time_s", time_s, 0.0, MAX_CHECK_TIME_S, f"0 < time <= {MAX_CHECK_TIME_S:g} s")
    if spots is not None and not 1 <= spots <= 1000:
        raise BadInputError("spots", spots, "allowed 1 to 1000")
    options.setdefault("max_time_per_spot_s", max(time_s, PlanRequest.model_fields[
        "max_time_per_spot_s"].default))  # fmt: skip
    if spots is not None:
        session_s = spots * time_s
        options.setdefault("max_session_s", max(session_s, PlanRequest.model_fields[
            "max_session_s"].default))  # fmt: skip
    request = PlanRequest(site=site_spec, device=device_spec, patient=patient or Patient(),
                          **options)  # fmt: skip
    return check_request(request, power_W=power, time_s=time_s, spots=spots)


def check_request(
    request: PlanRequest, *, power_W: float, time_s: float, spots: int | None = 1,
    progress: ProgressCallback | None = None,
) -> Plan:  # fmt: skip
    """`check` for a ready request (`progress`: the 3-D model's photons, as in a plan)."""
    return plan_request(request, fixed=FixedProtocol(power_W=power_W, time_s=time_s,
                                                     spots=spots), progress=progress)  # fmt: skip


def _require(field: str, value: float, low: float, high: float, allowed: str) -> None:
    if not (low < value <= high):
        raise BadInputError(field, value, f"allowed {allowed}")
