"""Object-level access to patients (OWASP ASVS 5.0 V8.2.2): a numeric id from a URL is
only honoured for a patient of the user's own clinic that is not deleted, and a read is
audited. Ids, never pseudonyms, appear in URLs."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from photodose.clinic.database import read_only
from photodose.clinic.models import Course, Patient
from photodose.web.auth import Identity
from photodose.web.deps import audit_read


def patient_pseudonym(request: Request, identity: Identity, patient_id: int,
                      *, audit: bool = True) -> str:  # fmt: skip
    """The pseudonym of patient `patient_id` if `identity` may see it; else 404 (the same
    answer as for an id that does not exist, so ids of other clinics are not revealed)."""
    with Session(read_only(request.app.state.engine)) as db:
        patient = db.get(Patient, patient_id)
        allowed = (patient is not None and patient.deleted_at is None
                   and patient.clinic == identity.clinic)  # fmt: skip
        pseudonym = patient.pseudonym if allowed and patient else None
    if pseudonym is None:
        raise HTTPException(status_code=404, detail="no such patient")
    if audit:
        audit_read(request, identity, "patient", patient_id)
    return pseudonym


def course_patient(request: Request, identity: Identity, course_id: int) -> tuple[int, str]:
    """(patient id, pseudonym) of a course the user may see; else 404."""
    with Session(read_only(request.app.state.engine)) as db:
        course = db.get(Course, course_id)
        patient_id = course.patient_id if course is not None and course.deleted_at is None else None
    if patient_id is None:
        raise HTTPException(status_code=404, detail="no such course")
    return patient_id, patient_pseudonym(request, identity, patient_id, audit=False)


def clinic_patient_ids(request: Request, identity: Identity) -> dict[str, int]:
    """pseudonym -> id for the patients of the user's clinic (not deleted)."""
    from sqlalchemy import select

    with Session(read_only(request.app.state.engine)) as db:
        rows = db.execute(select(Patient.pseudonym, Patient.id).where(
            Patient.clinic == identity.clinic, Patient.deleted_at.is_(None))).all()
    return {pseudonym: pid for pseudonym, pid in rows}


def course_ids(request: Request, patient_id: int) -> dict[str, int]:
    """Course reference (C1, C2 ... as in the patient document, ordered by start date and
    id) -> database id, for the forms that record against a course."""
    from sqlalchemy import select

    with Session(read_only(request.app.state.engine)) as db:
        rows = db.execute(select(Course.id).where(Course.patient_id == patient_id)
                          .order_by(Course.started_on, Course.id)).scalars().all()
    return {f"C{n}": course_id for n, course_id in enumerate(rows, 1)}
