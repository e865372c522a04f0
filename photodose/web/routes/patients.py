"""Patients: the due list, the list and search, the patient page with the course of
scores and cumulative nerve dose, and the forms that record screening, courses,
assessments, sessions and adverse events. Pages and the JSON API share the same calls
to the clinic repository; the numbers come from it and from the planner."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from photodose.clinic import outcomes
from photodose.clinic.due import DUE_AFTER_DAYS, DUE_SOURCE, OVERDUE_AFTER_DAYS, due_status
from photodose.clinic.exchange import export_document
from photodose.clinic.group_commit import GroupCommitter
from photodose.clinic.records import AdverseEventIn, CourseIn, PatientIn, SessionIn
from photodose.clinic.scoring import INSTRUMENTS, instrument
from photodose.clinic.sessions import dose_for, kept_dose, record_delivered
from photodose.devices.library import list_devices
from photodose.errors import BadInputError
from photodose.safety.contraindications import ScreeningInput
from photodose.tissue.library import list_sites
from photodose.web.access import CLINICAL, Access
from photodose.web.auth import Identity
from photodose.web.deps import audit_read, clinic_as, now, render
from photodose.web.forms import form_answers, form_moment
from photodose.web.ids import RecordId, RecordIdField
from photodose.web.patient_access import (
    clinic_patient_ids,
    course_ids,
    course_patient,
    patient_pseudonym,
)
from photodose.web.pdf import REPORT_CSP, pdf_bytes

router = APIRouter()
Clinical = Annotated[Identity, Depends(Access(CLINICAL))]


def _document(request: Request, identity: Identity, pseudonym: str) -> dict[str, Any]:
    return export_document(clinic_as(request, identity), [pseudonym])["patients"][0]


def _summary(request: Request, identity: Identity, patient_id: int) -> dict[str, Any]:
    pseudonym = patient_pseudonym(request, identity, patient_id)
    document = _document(request, identity, pseudonym)
    return {"id": patient_id, "patient": document, "outcome": outcomes.course_outcome(document),
            "course_ids": course_ids(request, patient_id)}


def _clinic_patients(request: Request, identity: Identity) -> list[dict[str, Any]]:
    ids = clinic_patient_ids(request, identity)
    rows = [p | {"id": ids[p["pseudonym"]]}
            for p in clinic_as(request, identity).list_patients() if p["pseudonym"] in ids]
    audit_read(request, identity, "patient_list", None, {"count": len(rows)})
    return rows


# -- JSON ---------------------------------------------------------------------------------


class PatientOut(BaseModel):
    id: int
    pseudonym: str
    birth_year: int
    sex: str
    diabetes_type: str
    enrolled_on: str
    courses: int


class AssessmentIn(BaseModel):
    instrument: str = Field(description="one of GET /api/instruments")
    answers: dict[str, int | float | bool | str | None]
    assessed_at: dt.datetime
    version: str | None = None
    course_id: RecordIdField | None = None
    protocol: str | None = Field(default=None, max_length=500)


class CourseStart(BaseModel):
    course: CourseIn
    plan_id: RecordIdField | None = None


class SessionRecord(BaseModel):
    session: SessionIn
    override_reason: str | None = Field(default=None, max_length=1000)


@router.get("/api/patients", tags=["patients"])
def api_patients(request: Request, identity: Clinical) -> list[PatientOut]:
    return [PatientOut(**{k: p[k] for k in PatientOut.model_fields})
            for p in _clinic_patients(request, identity)]  # fmt: skip


@router.post("/api/patients", tags=["patients"], status_code=201)
def api_add_patient(body: PatientIn, request: Request, identity: Clinical) -> dict[str, int]:
    patient = body.model_copy(update={"clinic": identity.clinic})
    return {"id": clinic_as(request, identity).add_patient(patient)}


@router.get("/api/patients/{patient_id}", tags=["patients"])
def api_patient(patient_id: RecordId, request: Request, identity: Clinical) -> dict[str, Any]:
    summary = _summary(request, identity, patient_id)
    return {"id": patient_id, "record": summary["patient"], "outcome": summary["outcome"]}


@router.post("/api/patients/{patient_id}/screening", tags=["patients"], status_code=201)
def api_screen(patient_id: RecordId, body: ScreeningInput, request: Request, identity: Clinical,
               screened_on: Annotated[dt.date, Body()]) -> dict[str, Any]:  # fmt: skip
    pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
    return clinic_as(request, identity).screen(pseudonym, body, screened_on)


@router.post("/api/patients/{patient_id}/courses", tags=["patients"], status_code=201)
def api_start_course(patient_id: RecordId, body: CourseStart, request: Request,
                     identity: Clinical) -> dict[str, int]:  # fmt: skip
    pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
    return {"id": clinic_as(request, identity).start_course(pseudonym, body.course, body.plan_id)}


@router.post("/api/patients/{patient_id}/assessments", tags=["patients"], status_code=201)
def api_assess(patient_id: RecordId, body: AssessmentIn, request: Request,
               identity: Clinical) -> dict[str, Any]:  # fmt: skip
    pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
    if body.course_id is not None:
        course_patient(request, identity, body.course_id)
    row, score = clinic_as(request, identity).record_assessment(
        pseudonym, body.instrument, body.answers, assessed_at=body.assessed_at,
        version=body.version, course_id=body.course_id, protocol=body.protocol)  # fmt: skip
    return {"id": row, "score": score.as_dict()}


@router.post("/api/courses/{course_id}/sessions", tags=["patients"], status_code=201)
async def api_record_session(course_id: RecordId, body: SessionRecord, request: Request,
                             identity: Clinical) -> dict[str, Any]:  # fmt: skip
    # async: many clinicians record at once; each waits for the group commit that makes
    # its session durable without holding a worker thread
    clinic = clinic_as(request, identity)
    try:
        context = clinic.course_context(course_id)
    except BadInputError:
        raise HTTPException(status_code=404, detail="no such course") from None
    if context["clinic"] != identity.clinic:  # another clinic's course: as if absent
        raise HTTPException(status_code=404, detail="no such course")
    delivered = body.session
    dose = kept_dose(context, delivered)
    if dose is None:  # the planner's check: about a second, in a worker thread
        dose = await run_in_threadpool(dose_for, clinic, course_id, delivered)
    write = clinic.session_write(course_id, delivered, dose, override_reason=body.override_reason)
    committer: GroupCommitter = request.app.state.committer
    try:
        session_id = await asyncio.wrap_future(committer.submit(write))
    except IntegrityError as error:
        session_id = await run_in_threadpool(clinic.recorded_before, delivered, error)
    return {"id": session_id, "dose": dose.to_dict()}


@router.post("/api/patients/{patient_id}/adverse-events", tags=["patients"], status_code=201)
def api_adverse_event(patient_id: RecordId, body: AdverseEventIn, request: Request,
                      identity: Clinical) -> dict[str, int]:  # fmt: skip
    pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
    if body.session_id is not None:
        _ensure_session_of(request, identity, body.session_id, patient_id)
    return {"id": clinic_as(request, identity).record_adverse_event(pseudonym, body)}


def _ensure_session_of(request: Request, identity: Identity, session_id: int,
                       patient_id: int) -> None:  # fmt: skip
    from fastapi import HTTPException
    from sqlalchemy.orm import Session

    from photodose.clinic.models import TreatmentSession

    with Session(request.app.state.engine) as db:
        treated = db.get(TreatmentSession, session_id)
        ok = treated is not None and treated.course.patient_id == patient_id
    if not ok:
        raise HTTPException(status_code=404, detail="no such session")


@router.get("/api/instruments", tags=["patients"])
def api_instruments(_: Clinical) -> dict[str, Any]:
    return {name: item.template() for name, item in INSTRUMENTS.items()}


# -- pages --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, identity: Annotated[Identity, Depends(Access(
        ("admin", "clinician", "researcher")))]) -> Response:  # fmt: skip
    if identity.role == "researcher":
        return RedirectResponse("/research", status_code=303)
    today = now(request).date()
    rows = []
    for row in _clinic_patients(request, identity):
        status = due_status(_document(request, identity, row["pseudonym"]), today)
        if status is not None:
            rows.append(row | status)
    rows.sort(key=lambda r: (r["state"] != "overdue", r["last_assessed"] or ""))
    return render(request, "dashboard.html", {
        "rows": rows, "due_days": DUE_AFTER_DAYS,
        "overdue_days": OVERDUE_AFTER_DAYS, "due_source": DUE_SOURCE})


@router.get("/patients", response_class=HTMLResponse, include_in_schema=False)
def patients_page(request: Request, identity: Clinical) -> Response:
    return render(request, "patients.html", {"patients": _clinic_patients(request, identity),
                                             "query": ""})


@router.post("/patients/search", response_class=HTMLResponse, include_in_schema=False)
def search(request: Request, identity: Clinical,
           query: Annotated[str, Form(max_length=64)] = "") -> Response:  # fmt: skip
    # a POST, so the search term (a pseudonym) never lands in a URL or an access log
    wanted = query.strip().lower()
    rows = [p for p in _clinic_patients(request, identity) if wanted in p["pseudonym"].lower()]
    return render(request, "patients.html", {"patients": rows, "query": query})


@router.get("/patients/new", response_class=HTMLResponse, include_in_schema=False)
def new_patient_page(request: Request, _: Clinical) -> Response:
    return render(request, "patient_new.html", {"today": now(request).date().isoformat()})


@router.post("/patients", include_in_schema=False)
def add_patient_form(request: Request, identity: Clinical,
                     pseudonym: Annotated[str, Form(max_length=64)],
                     birth_year: Annotated[int, Form()], sex: Annotated[str, Form()],
                     diabetes_type: Annotated[str, Form()], skin_type: Annotated[int, Form()],
                     enrolled_on: Annotated[dt.date, Form()],
                     diabetes_duration_years: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    patient = PatientIn(pseudonym=pseudonym, birth_year=birth_year, sex=sex,  # type: ignore[arg-type]
                        diabetes_type=diabetes_type,  # type: ignore[arg-type]
                        diabetes_duration_years=float(diabetes_duration_years)
                        if diabetes_duration_years.strip() else None,
                        skin_type=skin_type, enrolled_on=enrolled_on, clinic=identity.clinic)
    patient_id = clinic_as(request, identity).add_patient(patient)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.get("/patients/{patient_id}", response_class=HTMLResponse, include_in_schema=False)
def patient_page(patient_id: RecordId, request: Request, identity: Clinical) -> Response:
    from photodose.report.course_report import course_figures

    summary = _summary(request, identity, patient_id)
    return render(request, "patient.html", summary | {
        "figures": course_figures(summary["outcome"]), "instruments": sorted(INSTRUMENTS),
        "sites": list_sites(), "devices": list_devices(),
        "today": now(request).date().isoformat(),
        "now": now(request).replace(microsecond=0).isoformat(timespec="minutes"),
        "screening_fields": _screening_fields()})


def _screening_fields() -> list[str]:
    return [name for name, field in ScreeningInput.model_fields.items()
            if field.annotation is bool]  # fmt: skip


@router.post("/patients/{patient_id}/screening", include_in_schema=False)
async def screening_form(patient_id: RecordId, request: Request, identity: Clinical) -> Response:
    form = await request.form()

    def write() -> None:
        pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
        facts = {name: name in form for name in _screening_fields()}
        screened_on = form_moment(form, "screened_on", dt.date)
        clinic_as(request, identity).screen(pseudonym, ScreeningInput(**facts), screened_on)

    await run_in_threadpool(write)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.post("/patients/{patient_id}/courses", include_in_schema=False)
def course_form(patient_id: RecordId, request: Request, identity: Clinical,
                site: Annotated[str, Form(max_length=200)], side: Annotated[str, Form()],
                started_on: Annotated[dt.date, Form()],
                planned_sessions: Annotated[int, Form()] = 12,
                plan_id: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
    course = CourseIn(site=site, side=side, started_on=started_on,  # type: ignore[arg-type]
                      planned_sessions=planned_sessions)
    clinic_as(request, identity).start_course(pseudonym, course,
                                              int(plan_id) if plan_id.strip() else None)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.get("/patients/{patient_id}/assessments/{name}", response_class=HTMLResponse,
            include_in_schema=False)
def assessment_page(patient_id: RecordId, name: str, request: Request,
                    identity: Clinical) -> Response:  # fmt: skip
    patient_pseudonym(request, identity, patient_id, audit=False)
    tool = instrument(name)
    return render(request, "assessment.html", {
        "id": patient_id, "name": name, "template": tool.template(),
        "now": now(request).replace(microsecond=0).isoformat(timespec="minutes")})


@router.post("/patients/{patient_id}/assessments/{name}", include_in_schema=False)
async def assessment_form(patient_id: RecordId, name: str, request: Request,
                          identity: Clinical) -> Response:  # fmt: skip
    form = await request.form()

    def write() -> None:
        pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
        answers = form_answers(instrument(name).template(), form)
        assessed_at = form_moment(form, "assessed_at", dt.datetime)
        assert isinstance(assessed_at, dt.datetime)
        protocol = str(form.get("protocol") or "") or None
        clinic_as(request, identity).record_assessment(pseudonym, name, answers,
                                                       assessed_at=assessed_at, protocol=protocol)

    await run_in_threadpool(write)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.post("/patients/{patient_id}/sessions", include_in_schema=False)
def session_form(patient_id: RecordId, request: Request, identity: Clinical,
                 course_id: Annotated[int, Form()], device: Annotated[str, Form(max_length=200)],
                 side: Annotated[str, Form()], spots: Annotated[int, Form()],
                 power_W: Annotated[float, Form()], time_per_spot_s: Annotated[float, Form()],
                 delivered_at: Annotated[dt.datetime, Form()],
                 skin_temperature_C: Annotated[str, Form()] = "",
                 idempotency_key: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    owner, _ = course_patient(request, identity, course_id)
    if owner != patient_id:
        from fastapi import HTTPException

        raise HTTPException(status_code=404, detail="no such course")
    delivered = SessionIn(
        delivered_at=delivered_at, device=device, side=side, spots=spots,  # type: ignore[arg-type]
        power_W=power_W, time_per_spot_s=time_per_spot_s,
        skin_temperature_C=float(skin_temperature_C) if skin_temperature_C.strip() else None,
        idempotency_key=idempotency_key or None)  # fmt: skip
    record_delivered(clinic_as(request, identity), course_id, delivered)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.post("/patients/{patient_id}/adverse-events", include_in_schema=False)
def adverse_event_form(patient_id: RecordId, request: Request, identity: Clinical,
                       onset_on: Annotated[dt.date, Form()],
                       description: Annotated[str, Form(max_length=2000)],
                       severity: Annotated[str, Form()],
                       serious: Annotated[bool, Form()] = False,
                       burn: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    pseudonym = patient_pseudonym(request, identity, patient_id, audit=False)
    event = AdverseEventIn(onset_on=onset_on, description=description, serious=serious,
                           severity=severity, burn=burn)  # type: ignore[arg-type]
    clinic_as(request, identity).record_adverse_event(pseudonym, event)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.get("/patients/{patient_id}/report", response_class=HTMLResponse,
            include_in_schema=False)
def patient_report(patient_id: RecordId, request: Request, identity: Clinical) -> Response:
    from photodose.report.course_report import render_course_html

    summary = _summary(request, identity, patient_id)
    return HTMLResponse(render_course_html(summary["outcome"]),
                        headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/patients/{patient_id}/report.pdf", include_in_schema=False)
def patient_report_pdf(patient_id: RecordId, request: Request, identity: Clinical) -> Response:
    from photodose.report.course_report import render_course_html
    summary = _summary(request, identity, patient_id)
    return Response(pdf_bytes(render_course_html(summary["outcome"])),
                    media_type="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="course-{patient_id}.pdf"'})

