"""The clinic's tables as SQLAlchemy 2 typed ORM classes (schema: migrations/versions/).

Times are UTC and stored without a zone (`datetime` naive, UTC by convention); dates are
calendar dates. Patients are pseudonymous: no name, address or identifier beyond the
clinic's own pseudonym. Rows are never deleted: `deleted_at` marks a soft delete, and each
write leaves an `audit_log` row (see clinic/audit.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class SoftDeleted:
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    deleted_reason: Mapped[str | None] = mapped_column(Text, default=None)


class Clinician(Base):
    __tablename__ = "clinicians"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Patient(SoftDeleted, Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    birth_year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(16))
    diabetes_type: Mapped[str] = mapped_column(String(16))
    diabetes_duration_years: Mapped[float | None] = mapped_column(Float)
    skin_type: Mapped[int] = mapped_column(Integer)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # added by migration 0003: the clinic whose staff may see the patient (web app)
    clinic: Mapped[str] = mapped_column(String(64), default="default",
                                        server_default="default")

    screenings: Mapped[list[Screening]] = relationship(back_populates="patient")
    courses: Mapped[list[Course]] = relationship(back_populates="patient")
    assessments: Mapped[list[Assessment]] = relationship(back_populates="patient")
    adverse_events: Mapped[list[AdverseEvent]] = relationship(back_populates="patient")


class Screening(Base):
    """Contraindication screening: the facts asked and the findings, with the date."""

    __tablename__ = "screenings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    screened_on: Mapped[dt.date] = mapped_column(Date)
    facts_json: Mapped[str] = mapped_column(Text)
    findings_json: Mapped[str] = mapped_column(Text)
    blocked: Mapped[bool] = mapped_column(Boolean)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    patient: Mapped[Patient] = relationship(back_populates="screenings")


class PlanRecord(Base):
    """A self-contained plan document, stored as its JSON with its schema version."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schema_version: Mapped[str] = mapped_column(String(32))
    plan_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    site: Mapped[str] = mapped_column(String(200))
    device: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Course(SoftDeleted, Base):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    site: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(8))
    started_on: Mapped[dt.date] = mapped_column(Date)
    planned_sessions: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    patient: Mapped[Patient] = relationship(back_populates="courses")
    plan: Mapped[PlanRecord | None] = relationship()
    sessions: Mapped[list[TreatmentSession]] = relationship(
        back_populates="course", order_by="TreatmentSession.delivered_at"
    )


class TreatmentSession(SoftDeleted, Base):
    """A session as delivered: what was used, and the dose computed from it."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    delivered_at: Mapped[dt.datetime] = mapped_column(DateTime)
    device: Mapped[str] = mapped_column(String(200))
    site: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(8))
    spots: Mapped[int] = mapped_column(Integer)
    power_W: Mapped[float] = mapped_column(Float)
    time_per_spot_s: Mapped[float] = mapped_column(Float)
    skin_temperature_C: Mapped[float | None] = mapped_column(Float)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"))
    dose_model: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # added by migration 0002: a retried write with the same key is refused, not doubled
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    course: Mapped[Course] = relationship(back_populates="sessions")
    doses: Mapped[list[SessionDose]] = relationship(
        back_populates="session", order_by="SessionDose.id"
    )


class SessionDose(Base):
    """One computed dose quantity of a session (name, value, unit)."""

    __tablename__ = "session_doses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    quantity: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))

    session: Mapped[TreatmentSession] = relationship(back_populates="doses")


class Assessment(SoftDeleted, Base):
    """Raw item answers of one instrument; the score is derived from them when written
    and can always be re-derived (clinic/scoring)."""

    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    instrument: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    assessed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    answers_json: Mapped[str] = mapped_column(Text)
    total: Mapped[float | None] = mapped_column(Float)
    subscales_json: Mapped[str] = mapped_column(Text)
    interpretation: Mapped[str] = mapped_column(Text)
    protocol: Mapped[str | None] = mapped_column(Text)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    patient: Mapped[Patient] = relationship(back_populates="assessments")


class AdverseEvent(SoftDeleted, Base):
    __tablename__ = "adverse_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    onset_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    serious: Mapped[bool] = mapped_column(Boolean)
    severity: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    burn: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    patient: Mapped[Patient] = relationship(back_populates="adverse_events")


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE); each row's hash covers
    its fields and the previous row's hash (clinic/audit.py)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # added by migration 0002 (roles for the web app); NULL on rows written before it
    actor_role: Mapped[str | None] = mapped_column(String(32))
