"""Recording a delivered session: the dose computed from what was delivered, then stored.

Against a plan: the course's plan request (site, device, patient) is used with the power,
time and spots actually delivered (by default the plan's own). As given: the course's site
and the named device, for this patient's skin type; diabetic patients are treated as
insensate (the cautious temperature limit) unless a plan says otherwise.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from photodose.clinic.delivered import DeliveredDose, delivered_dose, kept_delivered_dose
from photodose.clinic.records import SessionIn
from photodose.clinic.repository import Clinic
from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.planning import Plan, PlanRequest
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site


def session_request(context: dict[str, Any], device: str) -> PlanRequest:
    """The planning request a session's dose is computed for."""
    if context["plan_json"] is not None:
        request = _plan_request(context["plan_json"])
        if device in (request.device.name, ""):
            return request
        return request.model_copy(update={"device": load_device(device)})
    site, device_spec = load_site(context["site"]), load_device(device)
    key = (id(site), id(device_spec), context["skin_type"], context["diabetic"])
    kept = _AS_GIVEN.get(key)
    # the entry holds the site and device it was made from, so their ids are not reused
    # while it is kept; a file edited since gives a new spec object and a new request
    if kept is not None and kept[0] is site and kept[1] is device_spec:
        return kept[2]
    patient = Patient(
        skin_type=context["skin_type"],
        diabetic=context["diabetic"],
        insensate_feet=context["diabetic"],
    )
    request = PlanRequest(site=site, device=device_spec, patient=patient)
    if len(_AS_GIVEN) >= AS_GIVEN_KEPT:
        _AS_GIVEN.clear()
    _AS_GIVEN[key] = (site, device_spec, request)
    return request


AS_GIVEN_KEPT = 256
# requests are frozen specs: one per (site, device, skin type, diabetic), not per session
_AS_GIVEN: dict[tuple[int, int, int, bool], tuple[Site, Device, PlanRequest]] = {}


@lru_cache(maxsize=64)
def _plan_request(plan_json: str) -> PlanRequest:
    # a stored plan document never changes and its request is a frozen spec: parsed once
    return Plan.model_validate_json(plan_json).request


def planned_session(context: dict[str, Any]) -> dict[str, Any]:
    """The power, time, spots and device of the course's plan (for 'as planned')."""
    plan = Plan.model_validate_json(context["plan_json"])
    return {
        "device": plan.request.device.name,
        "power_W": plan.power_W,
        "time_per_spot_s": plan.time_per_spot_s,
        "spots": plan.spots,
    }


def dose_for(clinic: Clinic, course_id: int, delivered: SessionIn) -> DeliveredDose:
    context = clinic.course_context(course_id)
    return delivered_dose(session_request(context, delivered.device), **_delivered(delivered))


def kept_dose(context: dict[str, Any], delivered: SessionIn) -> DeliveredDose | None:
    """The dose of a session in the course of `context` (Clinic.course_context) if the
    planner's check for it is kept, else None (see kept_delivered_dose)."""
    return kept_delivered_dose(session_request(context, delivered.device), **_delivered(delivered))


def _delivered(delivered: SessionIn) -> dict[str, Any]:
    return {
        "power_W": delivered.power_W,
        "time_per_spot_s": delivered.time_per_spot_s,
        "spots": delivered.spots,
        "skin_temperature_C": delivered.skin_temperature_C,
    }


def record_delivered(
    clinic: Clinic, course_id: int, delivered: SessionIn, override_reason: str | None = None
) -> tuple[int, DeliveredDose]:
    dose = dose_for(clinic, course_id, delivered)
    session_id = clinic.record_session(course_id, delivered, dose, override_reason=override_reason)
    return session_id, dose
