"""The clinic's records: every read and write the CLI and the web app make.

`Clinic(engine, actor=...)` is the one door to the database. Each write method is one
transaction: the rows it adds and its audit row commit together or not at all, and bad
input (an unknown patient, a session before enrolment, a dose over a safety limit, an
out-of-range answer) raises BadInputError before anything is written. Deleting is soft
(`deleted_at`, with a reason) and audited. Reads return plain dictionaries (the export
document's shape, clinic/document.py), so callers never hold database sessions.

Physics stays out: a session's dose is computed by the caller (clinic/sessions.py) and
handed in as a DeliveredDose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from photodose.clinic import audit
from photodose.clinic.database import make_engine, read_only, require_current, single_read
from photodose.clinic.delivered import DeliveredDose
from photodose.clinic.models import (
    AdverseEvent,
    Assessment,
    AuditEntry,
    Clinician,
    Course,
    Patient,
    PlanRecord,
    Screening,
    SessionDose,
    TreatmentSession,
)
from photodose.clinic.records import (
    AdverseEventIn,
    ClinicianIn,
    CourseIn,
    PatientIn,
    SessionIn,
)
from photodose.clinic.scoring import Answer, Score
from photodose.clinic.scoring import instrument as find_instrument
from photodose.errors import BadInputError
from photodose.safety.contraindications import ScreeningInput, screen

SOFT_DELETABLE: dict[str, type[Any]] = {
    "patient": Patient,
    "course": Course,
    "session": TreatmentSession,
    "assessment": Assessment,
    "adverse_event": AdverseEvent,
}


class Clinic:
    """Records of one clinic database, written as `actor` (a clinician code or a service
    name; `actor_role` for the web app's roles)."""

    def __init__(
        self,
        engine: Engine,
        *,
        actor: str = "cli",
        actor_role: str | None = None,
        clock: Callable[[], dt.datetime] = audit.utc_now,
    ) -> None:
        self.engine = engine
        self.actor = actor
        self.actor_role = actor_role
        self.clock = clock

    @classmethod
    def open(cls, url: str | None = None, **options: Any) -> Clinic:
        """Open a database that is at the newest schema (else: run `photodose db upgrade`)."""
        engine = make_engine(url)
        require_current(engine)
        return cls(engine, **options)

    # -- the transaction and audit row every write shares ------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: int | None,
        detail: Mapping[str, Any],
        last_hash: str | None = None,
    ) -> None:
        audit.append(
            session,
            actor=self.actor,
            actor_role=self.actor_role,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=dict(detail),
            at=self.clock(),
            last_hash=last_hash,
        )

    # -- writes --------------------------------------------------------------------------

    def add_clinician(self, clinician: ClinicianIn) -> int:
        with self._write() as session:
            if session.scalar(select(Clinician.id).where(Clinician.code == clinician.code)):
                raise BadInputError("clinician code", clinician.code, "already exists")
            row = Clinician(**clinician.model_dump(), created_at=self.clock())
            session.add(row)
            session.flush()
            self._audit(session, "create", "clinician", row.id, clinician.model_dump(mode="json"))
            return row.id

    def add_patient(self, patient: PatientIn) -> int:
        with self._write() as session:
            if session.scalar(select(Patient.id).where(Patient.pseudonym == patient.pseudonym)):
                raise BadInputError("pseudonym", patient.pseudonym, "already exists")
            row = Patient(**patient.model_dump(), created_at=self.clock())
            session.add(row)
            session.flush()
            self._audit(session, "create", "patient", row.id, patient.model_dump(mode="json"))
            return row.id

    def screen(
        self,
        pseudonym: str,
        facts: ScreeningInput,
        screened_on: dt.date,
        clinician: str | None = None,
    ) -> dict[str, Any]:
        """Contraindication screening: the facts and the findings, stored with the date."""
        findings = screen(facts)
        blocked = any(f.level == "block" for f in findings)
        with self._write() as session:
            patient = _patient(session, pseudonym)
            _not_before(patient.enrolled_on, screened_on, "screened_on")
            row = Screening(
                patient_id=patient.id,
                screened_on=screened_on,
                facts_json=facts.model_dump_json(),
                findings_json=json.dumps([f.model_dump(mode="json") for f in findings]),
                blocked=blocked,
                clinician_id=_clinician_id(session, clinician),
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            result = {
                "id": row.id,
                "screened_on": screened_on.isoformat(),
                "blocked": blocked,
                "findings": json.loads(row.findings_json),
            }
            self._audit(
                session,
                "create",
                "screening",
                row.id,
                {"patient": pseudonym, **result, "facts": json.loads(row.facts_json)},
            )
            return result

    def add_plan(self, plan_json: str) -> int:
        """Store a plan document (its JSON as given); the same document is stored once."""
        document = _plan_document(plan_json)
        digest = hashlib.sha256(plan_json.encode()).hexdigest()
        with self._write() as session:
            existing = session.scalar(select(PlanRecord.id).where(PlanRecord.sha256 == digest))
            if existing is not None:
                return existing
            request = document["request"]
            row = PlanRecord(
                schema_version=str(document.get("schema_version", "0")),
                plan_json=plan_json,
                sha256=digest,
                site=request["site"]["name"],
                device=request["device"]["name"],
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                "create",
                "plan",
                row.id,
                {
                    "sha256": digest,
                    "schema_version": row.schema_version,
                    "site": row.site,
                    "device": row.device,
                },
            )
            return row.id

    def start_course(self, pseudonym: str, course: CourseIn, plan_id: int | None = None) -> int:
        with self._write() as session:
            patient = _patient(session, pseudonym)
            _not_before(patient.enrolled_on, course.started_on, "started_on")
            if plan_id is not None and session.get(PlanRecord, plan_id) is None:
                raise BadInputError("plan", plan_id, "no such plan")
            row = Course(
                patient_id=patient.id,
                plan_id=plan_id,
                **course.model_dump(),
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                "create",
                "course",
                row.id,
                {"patient": pseudonym, "plan_id": plan_id, **course.model_dump(mode="json")},
            )
            return row.id

    def record_session(
        self,
        course_id: int,
        delivered: SessionIn,
        dose: DeliveredDose,
        *,
        plan_id: int | None = None,
        override_reason: str | None = None,
    ) -> int:
        """Record a delivered session with its dose rows and audit row, in one transaction.

        Refused: an unknown or deleted course, a session before enrolment or the course's
        start, a patient whose latest screening blocks treatment (or who was never
        screened), a dose whose blocking safety checks failed (unless `override_reason`
        says why it is recorded anyway, e.g. to document what happened). A repeated
        `idempotency_key` returns the session already recorded, writing nothing."""
        write = self.session_write(
            course_id, delivered, dose, plan_id=plan_id, override_reason=override_reason
        )
        try:
            with self._write() as session:
                return write(session)
        except IntegrityError as error:
            return self.recorded_before(delivered, error)

    def session_write(
        self,
        course_id: int,
        delivered: SessionIn,
        dose: DeliveredDose,
        *,
        plan_id: int | None = None,
        override_reason: str | None = None,
    ) -> Callable[[Session], int]:
        """The write of `record_session` as a function of a transaction, for a group commit
        (clinic/group_commit.py); a dose that failed its checks is refused here, before
        anything is queued. An IntegrityError from it goes to `recorded_before`."""
        if dose.failed and not override_reason:
            raise BadInputError(
                "session dose",
                ", ".join(dose.failed),
                "must pass every blocking safety check",
                reason="not recorded; if it was delivered, record it with an override reason "
                "and an adverse event",
            )

        def write(session: Session) -> int:
            # Core statements, not the ORM: this is the write every session makes
            # and one read for the idempotency key, the course, the patient and the
            # patient's latest screening
            # and the audit log's newest hash (the lock for it taken first)
            audit.lock_for_append(session)
            connection = session.connection()
            key = delivered.idempotency_key
            day = delivered.delivered_at.date()
            course = connection.execute(
                _SESSION_WRITE_CONTEXT, {"course_id": course_id, "key": key, "day": day}
            ).first()
            if key:
                done = (
                    course.done
                    if course is not None
                    else (connection.execute(_SESSION_BY_KEY, {"key": key}).scalar())
                )
                if done is not None:
                    return int(done)
            if course is None:
                raise BadInputError("course", course_id, "no such course")
            if course.deleted_at is not None or course.patient_deleted_at is not None:
                raise BadInputError("course", course_id, "is deleted")
            _not_before(course.enrolled_on, day, "delivered_at")
            if day < course.started_on:
                raise BadInputError(
                    "delivered_at",
                    delivered.delivered_at.isoformat(),
                    f"must be on or after the course start {course.started_on.isoformat()}",
                )
            _check_screening(course.pseudonym, day, course if course.blocked is not None else None)
            session_id = connection.execute(
                insert(TreatmentSession).returning(TreatmentSession.id),
                {
                    "course_id": course_id,
                    "plan_id": plan_id if plan_id is not None else course.plan_id,
                    "delivered_at": delivered.delivered_at,
                    "device": delivered.device,
                    "site": course.site,
                    "side": delivered.side,
                    "spots": delivered.spots,
                    "power_W": delivered.power_W,
                    "time_per_spot_s": delivered.time_per_spot_s,
                    "skin_temperature_C": delivered.skin_temperature_C,
                    "clinician_id": _clinician_id(session, delivered.clinician),
                    "dose_model": dose.model,
                    "created_at": self.clock(),
                    "idempotency_key": key,
                },
            ).scalar_one()
            connection.execute(
                insert(SessionDose),
                [
                    {"session_id": session_id, "quantity": name, "value": value, "unit": unit}
                    for name, (value, unit) in dose.quantities.items()
                ],
            )
            self._audit(
                session,
                "create",
                "session",
                session_id,
                {
                    "patient": course.pseudonym,
                    "course_id": course_id,
                    "session": delivered.model_dump(mode="json"),
                    "doses": {k: list(v) for k, v in dose.quantities.items()},
                    "failed_checks": list(dose.failed),
                    "override_reason": override_reason,
                },
                last_hash=course.last_hash or "",
            )
            return int(session_id)

        return write

    def recorded_before(self, delivered: SessionIn, error: IntegrityError) -> int:
        """The session a concurrent writer recorded first under the same idempotency key
        (the conflict `error` says so); any other integrity error is raised again."""
        if delivered.idempotency_key and "idempotency" in str(error.orig).lower():
            with Session(read_only(self.engine)) as session:
                done = session.scalar(
                    select(TreatmentSession.id).where(
                        TreatmentSession.idempotency_key == delivered.idempotency_key
                    )
                )
                if done is not None:
                    return done
        raise error

    def record_assessment(
        self,
        pseudonym: str,
        instrument: str,
        answers: Mapping[str, Answer | None],
        *,
        assessed_at: dt.datetime,
        version: str | None = None,
        course_id: int | None = None,
        protocol: str | None = None,
        clinician: str | None = None,
    ) -> tuple[int, Score]:
        """Store the raw answers and the score derived from them (never typed in)."""
        result = find_instrument(instrument).score(answers, version)
        with self._write() as session:
            patient = _patient(session, pseudonym)
            _not_before(patient.enrolled_on, assessed_at.date(), "assessed_at")
            if course_id is not None and _course(session, course_id).patient_id != patient.id:
                raise BadInputError("course", course_id, f"is not a course of {pseudonym}")
            row = Assessment(
                patient_id=patient.id,
                course_id=course_id,
                instrument=instrument,
                version=result.version,
                assessed_at=assessed_at,
                answers_json=json.dumps(dict(answers), sort_keys=True),
                total=result.total,
                subscales_json=json.dumps(result.scores, sort_keys=True),
                interpretation=result.interpretation,
                protocol=protocol,
                clinician_id=_clinician_id(session, clinician),
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                "create",
                "assessment",
                row.id,
                {
                    "patient": pseudonym,
                    "instrument": instrument,
                    "version": result.version,
                    "assessed_at": assessed_at.isoformat(),
                    "answers": dict(answers),
                    "scores": result.scores,
                    "protocol": protocol,
                },
            )
            return row.id, result

    def record_adverse_event(self, pseudonym: str, event: AdverseEventIn) -> int:
        with self._write() as session:
            patient = _patient(session, pseudonym)
            _not_before(patient.enrolled_on, event.onset_on, "onset_on")
            if event.session_id is not None:
                treated = session.get(TreatmentSession, event.session_id)
                if treated is None or treated.course.patient_id != patient.id:
                    raise BadInputError(
                        "session", event.session_id, f"is not a session of {pseudonym}"
                    )
                if event.onset_on < treated.delivered_at.date():
                    raise BadInputError(
                        "onset_on",
                        event.onset_on.isoformat(),
                        "must not be before the session it follows",
                    )
            row = AdverseEvent(patient_id=patient.id, **event.model_dump(), created_at=self.clock())
            session.add(row)
            session.flush()
            self._audit(
                session,
                "create",
                "adverse_event",
                row.id,
                {"patient": pseudonym, **event.model_dump(mode="json")},
            )
            return row.id

    def soft_delete(self, entity: str, entity_id: int, reason: str) -> None:
        """Mark a record deleted (it stays, hidden from summaries), with the reason."""
        if entity not in SOFT_DELETABLE:
            raise BadInputError("entity", entity, f"must be one of {list(SOFT_DELETABLE)}")
        if not reason.strip():
            raise BadInputError("reason", reason, "must say why the record is deleted")
        with self._write() as session:
            row = session.get(SOFT_DELETABLE[entity], entity_id)
            if row is None:
                raise BadInputError(entity, entity_id, "no such record")
            if row.deleted_at is not None:
                raise BadInputError(entity, entity_id, "is already deleted")
            row.deleted_at, row.deleted_reason = self.clock(), reason
            self._audit(session, "delete", entity, entity_id, {"reason": reason})

    # -- reads ---------------------------------------------------------------------------

    def list_patients(self, include_deleted: bool = False) -> list[dict[str, Any]]:
        with Session(read_only(self.engine)) as session:
            query = select(Patient).order_by(Patient.pseudonym)
            if not include_deleted:
                query = query.where(Patient.deleted_at.is_(None))
            rows = session.scalars(query.options(selectinload(Patient.courses))).all()
            return [
                {
                    "pseudonym": p.pseudonym,
                    "birth_year": p.birth_year,
                    "sex": p.sex,
                    "diabetes_type": p.diabetes_type,
                    "enrolled_on": p.enrolled_on.isoformat(),
                    "courses": len([c for c in p.courses if c.deleted_at is None]),
                    "deleted": p.deleted_at is not None,
                }
                for p in rows
            ]

    def patient_id(self, pseudonym: str) -> int:
        with Session(read_only(self.engine)) as session:
            found = session.scalar(select(Patient.id).where(Patient.pseudonym == pseudonym))
            if found is None:
                raise BadInputError("patient", pseudonym, "no such patient")
            return found

    def plan_json(self, plan_id: int) -> str:
        with Session(read_only(self.engine)) as session:
            row = session.get(PlanRecord, plan_id)
            if row is None:
                raise BadInputError("plan", plan_id, "no such plan")
            return row.plan_json

    def course_context(self, course_id: int) -> dict[str, Any]:
        """What the dose computation of a session in this course needs, and whose course
        it is (patient id and clinic): one joined read."""
        with single_read(self.engine).connect() as connection:
            row = connection.execute(_COURSE_CONTEXT, {"course_id": course_id}).one_or_none()
        if row is None:
            raise BadInputError("course", course_id, "no such course")
        if row.course_deleted_at is not None or row.patient_deleted_at is not None:
            raise BadInputError("course", course_id, "is deleted")
        return {
            "course_id": course_id,
            "site": row.site,
            "plan_id": row.plan_id,
            "plan_json": row.plan_json,
            "skin_type": row.skin_type,
            "patient_id": row.patient_id,
            "pseudonym": row.pseudonym,
            "clinic": row.clinic,
            "diabetic": row.diabetes_type != "none",
            "planned_sessions": row.planned_sessions,
        }

    def audit_rows(self, limit: int = 100) -> list[dict[str, Any]]:
        with Session(read_only(self.engine)) as session:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
            return [
                {
                    "id": r.id,
                    "at": r.at.isoformat(),
                    "actor": r.actor,
                    "role": r.actor_role,
                    "action": r.action,
                    "entity": r.entity,
                    "entity_id": r.entity_id,
                }
                for r in rows
            ]

    def verify(self) -> dict[str, Any]:
        """The audit chain, the database's own integrity checks, and that every session
        has its dose rows and its audit row."""
        with Session(read_only(self.engine)) as session:
            chain = audit.verify_chain(session)
            problems: list[str] = []
            if self.engine.dialect.name == "sqlite":
                result = session.execute(text("PRAGMA integrity_check")).scalars().all()
                if result != ["ok"]:
                    problems.append(f"integrity_check: {result[:5]}")
                if session.execute(text("PRAGMA foreign_key_check")).first() is not None:
                    problems.append("foreign_key_check: rows point at missing rows")
            dose_counts = dict(
                session.execute(
                    select(SessionDose.session_id, func.count()).group_by(SessionDose.session_id)
                ).all()
            )
            audited = set(
                session.scalars(
                    select(AuditEntry.entity_id).where(
                        AuditEntry.entity == "session", AuditEntry.action == "create"
                    )
                )
            )
            imported = set(
                session.scalars(
                    select(AuditEntry.entity_id).where(
                        AuditEntry.entity == "patient", AuditEntry.action == "import"
                    )
                )
            )
            sessions = session.execute(
                select(TreatmentSession.id, Course.patient_id).join(Course)
            ).all()
            for session_id, patient_id in sessions:
                if not dose_counts.get(session_id):
                    problems.append(f"session {session_id} has no dose rows")
                if session_id not in audited and patient_id not in imported:
                    problems.append(f"session {session_id} has no audit row")
            return {
                "ok": chain.ok and not problems,
                "audit_chain": chain.as_dict(),
                "sessions": len(sessions),
                "problems": problems,
            }


# -- lookups shared by the writes ----------------------------------------------------------

# built once: a session is recorded many times a second and this is its one read
_COURSE_CONTEXT = (
    select(
        Course.site,
        Course.plan_id,
        Course.planned_sessions,
        Course.deleted_at.label("course_deleted_at"),
        PlanRecord.plan_json,
        Patient.id.label("patient_id"),
        Patient.pseudonym,
        Patient.clinic,
        Patient.skin_type,
        Patient.diabetes_type,
        Patient.deleted_at.label("patient_deleted_at"),
    )
    .join(Patient, Patient.id == Course.patient_id)
    .outerjoin(PlanRecord, PlanRecord.id == Course.plan_id)
    .where(Course.id == bindparam("course_id"))
)
_SESSION_BY_KEY = select(TreatmentSession.id).where(
    TreatmentSession.idempotency_key == bindparam("key")
)
_EARLIER = aliased(Screening)
_LATEST_SCREENING_ID = (
    select(_EARLIER.id)
    .where(_EARLIER.patient_id == Patient.id, _EARLIER.screened_on <= bindparam("day"))
    .order_by(_EARLIER.screened_on.desc(), _EARLIER.id.desc())
    .limit(1)
    .correlate(Patient)
    .scalar_subquery()
)
_SESSION_WRITE_CONTEXT = (
    select(
        Course.site,
        Course.plan_id,
        Course.started_on,
        Course.deleted_at,
        Patient.id.label("patient_id"),
        Patient.pseudonym,
        Patient.enrolled_on,
        Patient.deleted_at.label("patient_deleted_at"),
        Screening.screened_on,
        Screening.blocked,
        _SESSION_BY_KEY.scalar_subquery().label("done"),
        audit.LAST_HASH.scalar_subquery().label("last_hash"),
    )
    .join(Patient, Patient.id == Course.patient_id)
    .outerjoin(Screening, Screening.id == _LATEST_SCREENING_ID)
    .where(Course.id == bindparam("course_id"))
)


def _plan_document(plan_json: str) -> dict[str, Any]:
    try:
        document = json.loads(plan_json)
        document["request"]["site"]["name"], document["request"]["device"]["name"]
    except (ValueError, KeyError, TypeError):
        raise BadInputError(
            "plan", plan_json[:40], "must be a plan document (photodose plan --json)"
        ) from None
    return document


def _patient(session: Session, pseudonym: str) -> Patient:
    patient = session.scalar(select(Patient).where(Patient.pseudonym == pseudonym))
    if patient is None:
        raise BadInputError("patient", pseudonym, "no such patient (photodose clinic patients)")
    if patient.deleted_at is not None:
        raise BadInputError("patient", pseudonym, "is deleted")
    return patient


def _course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None:
        raise BadInputError("course", course_id, "no such course")
    if course.deleted_at is not None or course.patient.deleted_at is not None:
        raise BadInputError("course", course_id, "is deleted")
    return course


def _clinician_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    found = session.scalar(select(Clinician.id).where(Clinician.code == code))
    if found is None:
        raise BadInputError("clinician", code, "no such clinician (photodose clinic clinician)")
    return found


def _not_before(enrolled_on: dt.date, day: dt.date, field: str) -> None:
    if day < enrolled_on:
        raise BadInputError(
            field,
            day.isoformat(),
            f"must be on or after enrolment ({enrolled_on.isoformat()})",
        )


def _check_screening(pseudonym: str, day: dt.date, latest: Any) -> None:
    """Refuse treatment without a screening on or before `day`, or if the latest one
    (a row with screened_on and blocked, or None) blocks it."""
    if latest is None:
        raise BadInputError(
            "patient",
            pseudonym,
            f"has no contraindication screening on or before {day.isoformat()}",
            reason="screen first: photodose clinic screen",
        )
    if latest.blocked:
        raise BadInputError(
            "patient",
            pseudonym,
            f"screening of {latest.screened_on.isoformat()} found a "
            "contraindication that blocks treatment",
        )
