"""The clinic as a JSON document: export one patient or all, import them elsewhere.

The document holds every record (deleted ones too, marked) by natural keys: patients by
pseudonym, clinicians by code, plans by the SHA-256 of their JSON; courses and sessions get
references (`C1`, `C1.S3`) in a fixed order, so exporting, importing into an empty
database and exporting again gives the identical document. Audit rows are not exported:
the importing database writes its own (one `import` row per patient).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from photodose.clinic.database import read_only
from photodose.clinic.models import (
    AdverseEvent,
    Assessment,
    Clinician,
    Course,
    Patient,
    PlanRecord,
    Screening,
    SessionDose,
    TreatmentSession,
)
from photodose.clinic.repository import Clinic
from photodose.clinic.scoring import score
from photodose.errors import BadInputError

FORMAT = "photodose-clinic-export"
FORMAT_VERSION = 1


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _deleted(row: Any) -> dict[str, Any]:
    return {"deleted_at": _iso(row.deleted_at), "deleted_reason": row.deleted_reason}


def export_document(clinic: Clinic, pseudonyms: list[str] | None = None) -> dict[str, Any]:
    """The whole clinic, or the named patients, as one document."""
    with Session(read_only(clinic.engine)) as session:
        query = (
            select(Patient)
            .order_by(Patient.pseudonym)
            .options(
                selectinload(Patient.screenings),
                selectinload(Patient.assessments),
                selectinload(Patient.adverse_events),
                selectinload(Patient.courses)
                .selectinload(Course.sessions)
                .selectinload(TreatmentSession.doses),
            )
        )
        if pseudonyms is not None:
            query = query.where(Patient.pseudonym.in_(pseudonyms))
        patients = session.scalars(query).all()
        if pseudonyms is not None:
            found = {p.pseudonym for p in patients}
            for name in pseudonyms:
                if name not in found:
                    raise BadInputError("patient", name, "no such patient")
        clinicians = {c.id: c for c in session.scalars(select(Clinician))}
        plans = {p.id: p for p in session.scalars(select(PlanRecord))}
        used_plans: set[int] = set()
        used_clinicians: set[int] = set()
        documents = [
            _patient_document(p, clinicians, plans, used_plans, used_clinicians) for p in patients
        ]
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "clinicians": [
                {
                    "code": c.code,
                    "display_name": c.display_name,
                    "role": c.role,
                    "created_at": _iso(c.created_at),
                }
                for c in sorted(clinicians.values(), key=lambda c: c.code)
                if pseudonyms is None or c.id in used_clinicians
            ],
            "plans": [
                {
                    "sha256": p.sha256,
                    "schema_version": p.schema_version,
                    "plan_json": p.plan_json,
                    "created_at": _iso(p.created_at),
                }
                for p in sorted(plans.values(), key=lambda p: p.sha256)
                if pseudonyms is None or p.id in used_plans
            ],
            "patients": documents,
        }


def _patient_document(
    patient: Patient,
    clinicians: dict[int, Clinician],
    plans: dict[int, PlanRecord],
    used_plans: set[int],
    used_clinicians: set[int],
) -> dict[str, Any]:
    def clinician(cid: int | None) -> str | None:
        if cid is None:
            return None
        used_clinicians.add(cid)
        return clinicians[cid].code

    def plan(pid: int | None) -> str | None:
        if pid is None:
            return None
        used_plans.add(pid)
        return plans[pid].sha256

    course_refs: dict[int, str] = {}
    session_refs: dict[int, str] = {}
    courses = []
    for n, course in enumerate(sorted(patient.courses, key=lambda c: (c.started_on, c.id)), 1):
        course_refs[course.id] = f"C{n}"
        sessions = []
        ordered = sorted(course.sessions, key=lambda s: (s.delivered_at, s.id))
        for k, treated in enumerate(ordered, 1):
            session_refs[treated.id] = f"C{n}.S{k}"
            sessions.append(
                {
                    "ref": f"C{n}.S{k}",
                    "delivered_at": _iso(treated.delivered_at),
                    "device": treated.device,
                    "site": treated.site,
                    "side": treated.side,
                    "spots": treated.spots,
                    "power_W": treated.power_W,
                    "time_per_spot_s": treated.time_per_spot_s,
                    "skin_temperature_C": treated.skin_temperature_C,
                    "clinician": clinician(treated.clinician_id),
                    "plan": plan(treated.plan_id),
                    "dose_model": treated.dose_model,
                    "idempotency_key": treated.idempotency_key,
                    "created_at": _iso(treated.created_at),
                    **_deleted(treated),
                    "doses": [
                        {"quantity": d.quantity, "value": d.value, "unit": d.unit}
                        for d in treated.doses
                    ],
                }
            )
        courses.append(
            {
                "ref": f"C{n}",
                "site": course.site,
                "side": course.side,
                "started_on": _iso(course.started_on),
                "planned_sessions": course.planned_sessions,
                "plan": plan(course.plan_id),
                "created_at": _iso(course.created_at),
                **_deleted(course),
                "sessions": sessions,
            }
        )
    assessments = [
        {
            "instrument": a.instrument,
            "version": a.version,
            "assessed_at": _iso(a.assessed_at),
            "answers": json.loads(a.answers_json),
            "total": a.total,
            "scores": json.loads(a.subscales_json),
            "interpretation": a.interpretation,
            "protocol": a.protocol,
            "course": course_refs.get(a.course_id) if a.course_id else None,
            "clinician": clinician(a.clinician_id),
            "created_at": _iso(a.created_at),
            **_deleted(a),
        }
        for a in sorted(patient.assessments, key=lambda a: (a.assessed_at, a.id))
    ]
    events = [
        {
            "onset_on": _iso(e.onset_on),
            "description": e.description,
            "serious": e.serious,
            "severity": e.severity,
            "outcome": e.outcome,
            "burn": e.burn,
            "session": session_refs.get(e.session_id) if e.session_id else None,
            "created_at": _iso(e.created_at),
            **_deleted(e),
        }
        for e in sorted(patient.adverse_events, key=lambda e: (e.onset_on, e.id))
    ]
    screenings = [
        {
            "screened_on": _iso(s.screened_on),
            "facts": json.loads(s.facts_json),
            "findings": json.loads(s.findings_json),
            "blocked": s.blocked,
            "clinician": clinician(s.clinician_id),
            "created_at": _iso(s.created_at),
        }
        for s in sorted(patient.screenings, key=lambda s: (s.screened_on, s.id))
    ]
    return {
        "pseudonym": patient.pseudonym,
        "birth_year": patient.birth_year,
        "sex": patient.sex,
        "diabetes_type": patient.diabetes_type,
        "diabetes_duration_years": patient.diabetes_duration_years,
        "skin_type": patient.skin_type,
        "clinic": patient.clinic,
        "enrolled_on": _iso(patient.enrolled_on),
        "created_at": _iso(patient.created_at),
        **_deleted(patient),
        "screenings": screenings,
        "courses": courses,
        "assessments": assessments,
        "adverse_events": events,
    }


def import_document(clinic: Clinic, document: dict[str, Any]) -> dict[str, int]:
    """Add the document's records, all in one transaction; a patient already present (by
    pseudonym) or a clinician code with different details refuses the whole import."""
    if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
        raise BadInputError(
            "format",
            f"{document.get('format')} {document.get('format_version')}",
            f"must be {FORMAT} version {FORMAT_VERSION}",
        )
    counts = {"patients": 0, "sessions": 0, "assessments": 0}
    try:
        with clinic._write() as session:
            clinicians = _import_clinicians(session, document["clinicians"])
            plans = _import_plans(session, document["plans"])
            for record in document["patients"]:
                patient_id = _import_patient(session, record, clinicians, plans, counts)
                clinic._audit(
                    session,
                    "import",
                    "patient",
                    patient_id,
                    {
                        "pseudonym": record["pseudonym"],
                        "sessions": sum(len(c["sessions"]) for c in record["courses"]),
                        "assessments": len(record["assessments"]),
                    },
                )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, BadInputError):
            raise
        raise BadInputError(
            "import document",
            type(error).__name__,
            f"is not a complete {FORMAT} document ({error})",
        ) from None
    return counts


def _import_clinicians(session: Session, records: list[dict[str, Any]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for record in records:
        existing = session.scalar(select(Clinician).where(Clinician.code == record["code"]))
        if existing is not None:
            if (existing.display_name, existing.role) != (record["display_name"], record["role"]):
                raise BadInputError("clinician", record["code"], "exists here with other details")
            ids[record["code"]] = existing.id
            continue
        row = Clinician(
            code=record["code"],
            display_name=record["display_name"],
            role=record["role"],
            created_at=_time(record["created_at"]),
        )
        session.add(row)
        session.flush()
        ids[row.code] = row.id
    return ids


def _import_plans(session: Session, records: list[dict[str, Any]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for record in records:
        existing = session.scalar(
            select(PlanRecord.id).where(PlanRecord.sha256 == record["sha256"])
        )
        if existing is not None:
            ids[record["sha256"]] = existing
            continue
        request = json.loads(record["plan_json"])["request"]
        row = PlanRecord(
            schema_version=record["schema_version"],
            plan_json=record["plan_json"],
            sha256=record["sha256"],
            site=request["site"]["name"],
            device=request["device"]["name"],
            created_at=_time(record["created_at"]),
        )
        session.add(row)
        session.flush()
        ids[row.sha256] = row.id
    return ids


def _import_patient(
    session: Session,
    record: dict[str, Any],
    clinicians: dict[str, int],
    plans: dict[str, int],
    counts: dict[str, int],
) -> int:
    if session.scalar(select(Patient.id).where(Patient.pseudonym == record["pseudonym"])):
        raise BadInputError("pseudonym", record["pseudonym"], "already exists here")

    def who(code: str | None) -> int | None:
        return None if code is None else clinicians[code]

    def plan(digest: str | None) -> int | None:
        return None if digest is None else plans[digest]

    def deleted(r: dict[str, Any]) -> dict[str, Any]:
        return {"deleted_at": _time(r["deleted_at"]), "deleted_reason": r["deleted_reason"]}

    patient = Patient(
        pseudonym=record["pseudonym"],
        birth_year=record["birth_year"],
        sex=record["sex"],
        diabetes_type=record["diabetes_type"],
        diabetes_duration_years=record["diabetes_duration_years"],
        skin_type=record["skin_type"],
        clinic=record.get("clinic", "default"),  # documents older than migration 0003
        enrolled_on=_date(record["enrolled_on"]),
        created_at=_time(record["created_at"]),
        **deleted(record),
    )
    session.add(patient)
    session.flush()
    for s in record["screenings"]:
        session.add(
            Screening(
                patient_id=patient.id,
                screened_on=_date(s["screened_on"]),
                facts_json=json.dumps(s["facts"]),
                findings_json=json.dumps(s["findings"]),
                blocked=s["blocked"],
                clinician_id=who(s["clinician"]),
                created_at=_time(s["created_at"]),
            )
        )
    course_ids: dict[str, int] = {}
    session_ids: dict[str, int] = {}
    for c in record["courses"]:
        course = Course(
            patient_id=patient.id,
            plan_id=plan(c["plan"]),
            site=c["site"],
            side=c["side"],
            started_on=_date(c["started_on"]),
            planned_sessions=c["planned_sessions"],
            created_at=_time(c["created_at"]),
            **deleted(c),
        )
        session.add(course)
        session.flush()
        course_ids[c["ref"]] = course.id
        for s in c["sessions"]:
            treated = TreatmentSession(
                course_id=course.id,
                plan_id=plan(s["plan"]),
                delivered_at=_time(s["delivered_at"]),
                device=s["device"],
                site=s["site"],
                side=s["side"],
                spots=s["spots"],
                power_W=s["power_W"],
                time_per_spot_s=s["time_per_spot_s"],
                skin_temperature_C=s["skin_temperature_C"],
                clinician_id=who(s["clinician"]),
                dose_model=s["dose_model"],
                idempotency_key=s["idempotency_key"],
                created_at=_time(s["created_at"]),
                **deleted(s),
            )
            session.add(treated)
            session.flush()
            session_ids[s["ref"]] = treated.id
            session.add_all(
                [
                    SessionDose(
                        session_id=treated.id,
                        quantity=d["quantity"],
                        value=d["value"],
                        unit=d["unit"],
                    )
                    for d in s["doses"]
                ]
            )
            counts["sessions"] += 1
    for a in record["assessments"]:
        # totals are re-derived from the raw answers, never taken on trust
        rescored = score(a["instrument"], a["answers"], a["version"])
        if rescored.scores != a["scores"]:
            raise BadInputError(
                f"assessment {a['instrument']} of {a['assessed_at']}",
                a["scores"],
                f"must match the scores of its answers {rescored.scores}",
            )
        session.add(
            Assessment(
                patient_id=patient.id,
                course_id=course_ids[a["course"]] if a["course"] else None,
                instrument=a["instrument"],
                version=a["version"],
                assessed_at=_time(a["assessed_at"]),
                answers_json=json.dumps(a["answers"], sort_keys=True),
                total=a["total"],
                subscales_json=json.dumps(a["scores"], sort_keys=True),
                interpretation=a["interpretation"],
                protocol=a["protocol"],
                clinician_id=who(a["clinician"]),
                created_at=_time(a["created_at"]),
                **deleted(a),
            )
        )
        counts["assessments"] += 1
    for e in record["adverse_events"]:
        session.add(
            AdverseEvent(
                patient_id=patient.id,
                session_id=session_ids[e["session"]] if e["session"] else None,
                onset_on=_date(e["onset_on"]),
                description=e["description"],
                serious=e["serious"],
                severity=e["severity"],
                outcome=e["outcome"],
                burn=e["burn"],
                created_at=_time(e["created_at"]),
                **deleted(e),
            )
        )
    session.flush()
    counts["patients"] += 1
    return patient.id
