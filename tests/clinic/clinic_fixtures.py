"""Shared set-up for the clinic tests: one enrolled, screened patient with a course."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photodose.clinic import models
from photodose.clinic.delivered import DeliveredDose, delivered_dose
from photodose.clinic.records import ClinicianIn, CourseIn, PatientIn, SessionIn
from photodose.clinic.repository import Clinic
from photodose.planning import Plan, PlanRequest, plan
from photodose.safety.contraindications import ScreeningInput

SITE, DEVICE = "medial-ankle-tibial", "808nm-laser-probe"
ENROLLED = dt.date(2026, 1, 5)


@lru_cache(maxsize=1)
def example_plan() -> Plan:
    return plan(SITE, DEVICE)


def request() -> PlanRequest:
    return example_plan().request


@lru_cache(maxsize=8)
def dose(
    power_W: float | None = None, time_s: float | None = None, skin_C: float | None = None
) -> DeliveredDose:
    p = example_plan()
    return delivered_dose(
        request(),
        power_W=power_W or p.power_W,
        time_per_spot_s=time_s or p.time_per_spot_s,
        spots=p.spots,
        skin_temperature_C=skin_C,
    )


def enrol(clinic: Clinic, pseudonym: str = "P001", screen: bool = True) -> int:
    """Patient, clinician (once), screening, plan and course; returns the course id."""
    if not clinic.list_patients(include_deleted=True):
        clinic.add_clinician(ClinicianIn(code="dr1", display_name="Dr One"))
    clinic.add_patient(
        PatientIn(
            pseudonym=pseudonym,
            birth_year=1952,
            sex="female",
            diabetes_type="type2",
            diabetes_duration_years=11,
            skin_type=2,
            enrolled_on=ENROLLED,
        )
    )
    if screen:
        clinic.screen(pseudonym, ScreeningInput(insensate_skin=True), ENROLLED, "dr1")
    plan_id = clinic.add_plan(example_plan().model_dump_json())
    return clinic.start_course(
        pseudonym, CourseIn(site=SITE, side="left", started_on=ENROLLED), plan_id=plan_id
    )


def session_in(day: int = 1, hour: int = 10, **changes: object) -> SessionIn:
    p = example_plan()
    values = {
        "delivered_at": dt.datetime(2026, 1, 5, hour) + dt.timedelta(days=day),
        "device": DEVICE,
        "side": "left",
        "spots": p.spots,
        "power_W": p.power_W,
        "time_per_spot_s": p.time_per_spot_s,
        "clinician": "dr1",
    } | changes
    return SessionIn(**values)  # type: ignore[arg-type]


def row_counts(clinic: Clinic) -> dict[str, int]:
    with Session(clinic.engine) as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (
                models.Patient,
                models.Course,
                models.TreatmentSession,
                models.SessionDose,
                models.Assessment,
                models.AdverseEvent,
                models.Screening,
                models.AuditEntry,
            )
        }
