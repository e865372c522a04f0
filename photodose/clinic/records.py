"""What a clinician enters: validated, frozen specs (field, value and allowed range named
on refusal). The repository turns them into rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field, field_validator

from photodose.specs import Spec

Sex = Literal["female", "male", "other", "unknown"]
DiabetesType = Literal["none", "type1", "type2", "other"]
Side = Literal["left", "right", "both"]
Severity = Literal["mild", "moderate", "severe"]
EventOutcome = Literal[
    "recovered", "recovering", "not_recovered", "with_sequelae", "fatal", "unknown"
]
Role = Literal["clinician", "admin", "researcher"]

# A pseudonym is the clinic's own code for a patient: letters, digits, - and _, so that a
# name or a date of birth is not typed in by habit (a space or a dot is refused).
PSEUDONYM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$"
_LOOKS_LIKE_DATE = re.compile(r"\d{4}-?\d{2}-?\d{2}|\d{2}-?\d{2}-?\d{4}")


class PatientIn(Spec):
    pseudonym: str = Field(
        pattern=PSEUDONYM_PATTERN, description="the clinic's code for the patient, never a name"
    )
    birth_year: int = Field(ge=1900, le=2030)
    sex: Sex
    diabetes_type: DiabetesType
    diabetes_duration_years: float | None = Field(default=None, ge=0.0, le=100.0)
    skin_type: int = Field(ge=1, le=6, description="Fitzpatrick skin type I-VI")
    enrolled_on: dt.date
    clinic: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$",
                        description="the clinic whose staff may see the patient")

    @field_validator("pseudonym")
    @classmethod
    def _no_date_of_birth(cls, value: str) -> str:
        if _LOOKS_LIKE_DATE.search(value):
            raise ValueError("must not contain a date (a pseudonym is not a date of birth)")
        return value


class ClinicianIn(Spec):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    display_name: str = Field(min_length=1, max_length=200)
    role: Role = "clinician"


class CourseIn(Spec):
    site: str = Field(min_length=1, max_length=200)
    side: Side
    started_on: dt.date
    planned_sessions: int = Field(default=12, ge=1, le=200)


class SessionIn(Spec):
    """A session as delivered. Power is the average power actually used, W."""

    delivered_at: dt.datetime
    device: str = Field(min_length=1, max_length=200)
    side: Side
    spots: int = Field(ge=1, le=1000)
    power_W: float = Field(gt=0.0, le=100.0)
    time_per_spot_s: float = Field(gt=0.0, le=7200.0)
    skin_temperature_C: float | None = Field(default=None, ge=10.0, le=60.0)
    clinician: str | None = None
    idempotency_key: str | None = Field(default=None, min_length=8, max_length=64)


class AdverseEventIn(Spec):
    onset_on: dt.date
    description: str = Field(min_length=1, max_length=2000)
    serious: bool
    severity: Severity
    outcome: EventOutcome = "unknown"
    burn: bool = False
    session_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
